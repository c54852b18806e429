using System.IO.Compression;
using System.Text.RegularExpressions;

namespace BidLocks.PackageTests;

/// <summary>
/// The README's "Build the packages locally": <c>./pack.sh</c> packs both packages with a version no cache has seen, and
/// the lines it prints install them, into a private NuGet folder (NUGET_PACKAGES), as a newcomer's machine would.
/// </summary>
public sealed partial class PackScriptTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("bidlocks-packsh-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A tool process still closing a file: the temp folder is cleaned by the system later.
        }
    }

    [Fact(Timeout = 900_000)]
    public async Task Pack_sh_packs_both_with_a_fresh_version_and_its_printed_lines_install_them()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var repository = PackedBidLocks.FindRepositoryRoot();
        var feed = Path.Combine(_root, "feed");
        var environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(_root, "packages") };

        var pack = await DotNetCli.RunProgramAsync("bash", repository, environment, cancellationToken, "pack.sh", feed);
        pack.EnsureSuccess();
        var version = Version().Match(pack.Output) is { Success: true } match ? match.Groups[1].Value : throw new InvalidOperationException($"no version in:\n{pack.Output}");
        var addPackage = Line(pack.Output, "dotnet add package BidLocks ");
        var restore = Line(pack.Output, "dotnet restore --source ");
        var toolInstall = Line(pack.Output, "dotnet tool install --global BidLocks.Cli ");

        // A pre-release of 0.1.0 made of the time: never the 0.1.0 a cache may hold, and below a published 0.1.0.
        Assert.Matches(@"^0\.1\.0-local\.\d{14}$", version);
        Assert.True(File.Exists(Path.Combine(feed, $"BidLocks.{version}.nupkg")), pack.Output);
        var tool = Path.Combine(feed, $"BidLocks.Cli.{version}.nupkg");
        using (var archive = ZipFile.OpenRead(tool))
        {
            Assert.Contains(archive.Entries, entry => entry.FullName == "README.md");
            var runtimes = archive.Entries.Where(entry => entry.FullName.Contains("/runtimes/", StringComparison.Ordinal))
                .Select(entry => entry.FullName.Split("/runtimes/")[1].Split('/')[0]).Distinct().Order().ToList();
            Assert.Equal(["linux-arm64", "linux-musl-arm64", "linux-musl-x64", "linux-x64", "osx-arm64", "osx-x64", "win-arm64", "win-x64"], runtimes);
        }

        Assert.True(new FileInfo(tool).Length < 12_000_000, $"{new FileInfo(tool).Length} bytes");

        // The printed lines, as pasted (a tool path instead of --global, so the machine's tools stay as they are).
        var app = Directory.CreateDirectory(Path.Combine(_root, "app")).FullName;
        await File.WriteAllTextAsync(Path.Combine(app, "App.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><ImplicitUsings>enable</ImplicitUsings></PropertyGroup>
            </Project>
            """, cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), """
            await using var manager = new BidLocks.InMemoryBidLockManager();
            await using var lease = await manager.AcquireAsync("ebay", "42");
            Console.WriteLine($"fence {lease.FencingToken}");
            """, cancellationToken);
        (await DotNetCli.RunAsync(app, environment, cancellationToken, [.. Words(addPackage).Skip(1)])).EnsureSuccess();
        (await DotNetCli.RunAsync(app, environment, cancellationToken, [.. Words(restore).Skip(1)])).EnsureSuccess();
        var run = await DotNetCli.RunAsync(app, environment, cancellationToken, "run");
        run.EnsureSuccess();
        Assert.Contains("fence ", run.Output);

        var tools = Path.Combine(_root, "tools");
        (await DotNetCli.RunAsync(_root, environment, cancellationToken, [.. Words(toolInstall.Replace("--global", $"--tool-path {tools}", StringComparison.Ordinal)).Skip(1)])).EnsureSuccess();
        var status = await DotNetCli.RunProgramAsync(Path.Combine(tools, OperatingSystem.IsWindows() ? "bidlocks.exe" : "bidlocks"), _root,
            new Dictionary<string, string> { ["DOTNET_ENVIRONMENT"] = "Development", ["BIDLOCKS_SQLITE_PATH"] = Path.Combine(_root, "locks.sqlite3") },
            cancellationToken, "status", "--json");
        Assert.True(status.ExitCode == 0, status.Output);
        Assert.Contains("\"backend\":\"sqlite\"", status.Output);
    }

    private static string Line(string output, string start)
        => output.Split('\n').Select(line => line.Trim()).FirstOrDefault(line => line.StartsWith(start, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"no line starting '{start}' in:\n{output}");

    // The folder is a temp path without spaces, so the printed line splits on spaces as a shell would.
    private static string[] Words(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    [GeneratedRegex(@"Packed BidLocks (\S+) and")]
    private static partial Regex Version();
}
