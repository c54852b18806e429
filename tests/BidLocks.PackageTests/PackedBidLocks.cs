namespace BidLocks.PackageTests;

/// <summary>
/// Packs src/BidLocks once per test run with a version no cache has seen, into a private feed, and restores
/// consumers into a private package folder: a stale package anywhere on the machine cannot hide a broken one.
/// </summary>
public sealed class PackedBidLocks : IAsyncLifetime
{
    public string Version { get; } = $"0.0.0-pkgtest.{DateTime.UtcNow:yyyyMMddHHmmss}.{Guid.NewGuid().ToString("N")[..8]}";

    public string Root { get; } = Directory.CreateTempSubdirectory("bidlocks-pkg-").FullName;

    /// <summary>
    /// Given to the pack as the one MSBuild property the package's repository and project URLs and the diagnostics'
    /// help links are made from, so the tests can see all three come from it. A test value: the repository sets none.
    /// </summary>
    public string RepositoryUrl { get; } = "https://example.org/bidlocks-package-test";

    public string Feed => Path.Combine(Root, "feed");

    public string PackagesFolder => Path.Combine(Root, "packages");

    public string PackagePath => Path.Combine(Feed, $"BidLocks.{Version}.nupkg");

    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string> { ["NUGET_PACKAGES"] = PackagesFolder };

    public async ValueTask InitializeAsync()
    {
        var repository = FindRepositoryRoot();
        var pack = await DotNetCli.RunAsync(repository, Environment, CancellationToken.None,
            "pack", "src/BidLocks/BidLocks.csproj", "-c", "Release", "-o", Feed, $"-p:Version={Version}", $"-p:RepositoryUrl={RepositoryUrl}");
        pack.EnsureSuccess();
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A consumer process still closing a file: the temp folder is cleaned by the system later.
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Writes a consumer project that references only the packed BidLocks (and whatever the SDK brings: the web SDK's
    /// shared framework for <c>Microsoft.NET.Sdk.Web</c>), and returns its folder.
    /// </summary>
    public string CreateConsumer(string name, string programSource, string sdk = "Microsoft.NET.Sdk", string targetFramework = "net10.0")
    {
        var folder = Path.Combine(Root, name);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="bidlocks-under-test" value="{Feed}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(folder, $"{name}.csproj"), $"""
            <Project Sdk="{sdk}">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>{targetFramework}</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="BidLocks" Version="{Version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(folder, "Program.cs"), programSource);
        return folder;
    }

    internal static string FindRepositoryRoot()
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
