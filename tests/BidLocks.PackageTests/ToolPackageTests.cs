namespace BidLocks.PackageTests;

/// <summary>
/// The bidlocks tool as an operator gets it: src/BidLocks.Cli packed as the BidLocks.Cli package beside the packed
/// BidLocks it depends on, installed with <c>dotnet tool install</c>, and run as the <c>bidlocks</c> command.
/// </summary>
public sealed class ToolPackageTests(PackedBidLocks package)
{
    [Fact(Timeout = 600_000)]
    public async Task Dotnet_tool_install_gives_the_bidlocks_command_that_reports_the_backend()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var repository = PackedBidLocks.FindRepositoryRoot();
        var tools = Path.Combine(package.Root, "tools");
        var work = Directory.CreateDirectory(Path.Combine(package.Root, "tool-run")).FullName;

        (await DotNetCli.RunAsync(repository, package.Environment, cancellationToken,
            "pack", "src/BidLocks.Cli/BidLocks.Cli.csproj", "-c", "Release", "-o", package.Feed, $"-p:Version={package.Version}")).EnsureSuccess();
        Assert.True(File.Exists(Path.Combine(package.Feed, $"BidLocks.Cli.{package.Version}.nupkg")));

        (await DotNetCli.RunAsync(work, package.Environment, cancellationToken,
            "tool", "install", "BidLocks.Cli", "--tool-path", tools, "--version", package.Version, "--add-source", package.Feed)).EnsureSuccess();
        var command = Path.Combine(tools, OperatingSystem.IsWindows() ? "bidlocks.exe" : "bidlocks");
        Assert.True(File.Exists(command), $"no {command}");

        var help = await RunToolAsync(command, work, new Dictionary<string, string>(), cancellationToken, "--help");
        Assert.True(help.ExitCode == 0, help.Output);
        foreach (var verb in new[] { "status", "list", "show", "watch", "release" })
        {
            Assert.Contains(verb, help.Output);
        }

        var environment = new Dictionary<string, string> { ["DOTNET_ENVIRONMENT"] = "Development", ["BIDLOCKS_SQLITE_PATH"] = Path.Combine(work, "locks.sqlite3") };
        var status = await RunToolAsync(command, work, environment, cancellationToken, "status", "--json");
        Assert.True(status.ExitCode == 0, status.Output);
        Assert.Contains("\"backend\":\"sqlite\"", status.Output);
        Assert.Contains("\"health\":\"Healthy\"", status.Output);
    }

    private static Task<CliResult> RunToolAsync(string command, string workingDirectory, Dictionary<string, string> environment, CancellationToken cancellationToken, params string[] arguments)
        => DotNetCli.RunProgramAsync(command, workingDirectory, environment, cancellationToken, arguments);
}
