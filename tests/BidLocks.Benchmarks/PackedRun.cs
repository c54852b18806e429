using System.Diagnostics;
using System.Globalization;

namespace BidLocks.Benchmarks;

/// <summary>
/// <c>--packed</c>: the Redis section (or with <c>--profile</c> the step profile) run the way a user's app runs BidLocks. Packs src/BidLocks with a
/// version no cache has seen into a private feed, writes a console app (PackedApp/Program.cs plus the Redis section's
/// sources, linked) that references that package and the newest StackExchange.Redis the registry serves, restores it
/// into a private package folder, builds it in Release and runs it with the same arguments. Done in a temp folder, so
/// the repository's build settings (central package versions, the library's project reference) do not reach it.
/// </summary>
internal static class PackedRun
{
    /// <summary>The newest StackExchange.Redis the registry serves; 2.13 and newer need System.IO.Hashing 10.0.2 or newer.</summary>
    public const string NewestRedisClient = "3.4.35";
    private const string HashingVersion = "10.0.15";
    private const string DistributedLockVersion = "1.1.1";
    private const string RedLockVersion = "2.3.2";

    // The Redis section's sources, compiled again against the package. Program.cs starts it.
    private static readonly string[] Sources =
    [
        "tests/BidLocks.Benchmarks/PackedApp/Program.cs",
        "tests/BidLocks.Benchmarks/BenchmarkArguments.cs",
        "tests/BidLocks.Benchmarks/KeyPattern.cs",
        "tests/BidLocks.Benchmarks/Invariant.cs",
        "tests/BidLocks.Benchmarks/Rotation.cs",
        "tests/BidLocks.Benchmarks/Stats.cs",
        "tests/BidLocks.Benchmarks/ThroughputRun.cs",
        "tests/BidLocks.Benchmarks/HandOffRun.cs",
        "tests/BidLocks.Benchmarks/RedisSection.cs",
        "tests/BidLocks.Benchmarks/RedisFigures.cs",
        "tests/BidLocks.Benchmarks/RedisReport.cs",
        "tests/BidLocks.Benchmarks/RedisServerMeter.cs",
        "tests/BidLocks.Benchmarks/StepProfile.cs",
        "tests/BidLocks.Benchmarks/AllocationSampler.cs",
        "tests/BidLocks.Benchmarks/Contenders/Contender.cs",
        "tests/BidLocks.Benchmarks/Contenders/RawRedisContender.cs",
        "tests/BidLocks.Benchmarks/Contenders/LuaStepsContender.cs",
        "tests/BidLocks.Benchmarks/Contenders/BidLocksContender.cs",
        "tests/BidLocks.Benchmarks/Contenders/GeneratedContender.cs",
        "tests/BidLocks.Benchmarks/Contenders/DistributedLockContender.cs",
        "tests/BidLocks.Benchmarks/Contenders/RedLockContender.cs",
        "tests/BidLocks.Tests/Redis/RedisServerProcess.cs",
        "tests/Shared/ChildProcess.cs",
        "tests/BidLocks.Tests/Support/LoopbackPort.cs",
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        var repository = FindRepositoryRoot();
        var root = Directory.CreateTempSubdirectory("bidlocks-bench-").FullName;
        var version = $"0.0.0-bench.{DateTime.UtcNow:yyyyMMddHHmmss}.{Guid.NewGuid().ToString("N")[..8]}";
        var feed = Path.Combine(root, "feed");
        var app = Path.Combine(root, "app");
        var environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(root, "packages") };
        try
        {
            await RunAsync(repository, environment, "pack", "src/BidLocks/BidLocks.csproj", "-c", "Release", "-o", feed, $"-p:Version={version}");
            WriteApp(repository, app, feed, version);
            await RunAsync(app, environment, "build", "-c", "Release", "-o", Path.Combine(app, "out"));
            var forwarded = args.Where(arg => arg != "--packed").ToArray();
            await RunAsync(app, environment, ["exec", Path.Combine(app, "out", "BidLocks.Benchmarks.dll"), .. forwarded]);
            return 0;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static void WriteApp(string repository, string app, string feed, string version)
    {
        Directory.CreateDirectory(app);
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="bidlocks-under-test" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        var compiles = string.Join(Environment.NewLine, Sources.Select(source => $"""    <Compile Include="{Path.Combine(repository, source)}" />"""));
        // Named as the in-repo benchmark, so the package's InternalsVisibleTo lets its Lua-steps contender in.
        File.WriteAllText(Path.Combine(app, "BidLocks.Benchmarks.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk.Web">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <OutputType>Exe</OutputType>
                <AssemblyName>BidLocks.Benchmarks</AssemblyName>
                <RootNamespace>BidLocks.Benchmarks</RootNamespace>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <ServerGarbageCollection>false</ServerGarbageCollection>
                <TieredPGO>true</TieredPGO>
                <EnableDefaultCompileItems>false</EnableDefaultCompileItems>
                <NoWarn>$(NoWarn);NU1603</NoWarn>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="BidLocks" Version="{version}" />
                <PackageReference Include="StackExchange.Redis" Version="{NewestRedisClient}" />
                <PackageReference Include="System.IO.Hashing" Version="{HashingVersion}" />
                <PackageReference Include="DistributedLock.Redis" Version="{DistributedLockVersion}" />
                <PackageReference Include="RedLock.net" Version="{RedLockVersion}" />
              </ItemGroup>
              <ItemGroup>
            {compiles}
              </ItemGroup>
            </Project>
            """);
    }

    private static async Task RunAsync(string folder, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = folder, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        Console.Error.WriteLine($"packed: dotnet {string.Join(' ', arguments)}");
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"dotnet {arguments[0]} exited with {process.ExitCode}."));
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "BidLocks.Aop.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("BidLocks.Aop.sln not found above " + AppContext.BaseDirectory);
    }
}
