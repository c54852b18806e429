using BidLocks.Testing;

namespace BidLocks.PackageTests;

/// <summary>Runs the dotnet CLI as a child process and keeps everything it printed.</summary>
internal static class DotNetCli
{
    public static Task<CliResult> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken, params string[] arguments)
        => RunProgramAsync("dotnet", workingDirectory, environment, cancellationToken, arguments);

    /// <summary>Runs <paramref name="program"/> (the dotnet CLI, or a tool it installed) the same way.</summary>
    public static async Task<CliResult> RunProgramAsync(string program, string workingDirectory, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken, params string[] arguments)
    {
        var (exitCode, output) = await DotNetCommand.RunAsync(program, workingDirectory, arguments, environment, TimeSpan.FromMinutes(8), cancellationToken);
        return new CliResult(exitCode, output, $"{Path.GetFileName(program)} {string.Join(' ', arguments)}");
    }
}

internal sealed record CliResult(int ExitCode, string Output, string Command)
{
    public CliResult EnsureSuccess()
    {
        Assert.True(ExitCode == 0, $"{Command} exited {ExitCode}:\n{Output}");
        return this;
    }
}
