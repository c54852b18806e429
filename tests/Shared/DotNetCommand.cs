namespace BidLocks.Testing;

/// <summary>The dotnet CLI (or a tool it installed) run to its end by a test, as a user's command line would run it.</summary>
internal static class DotNetCommand
{
    /// <summary>
    /// The test host's own MSBuild and test-platform settings, removed: a child build would otherwise use the wrong SDK
    /// parts. No telemetry, no banner.
    /// </summary>
    private static readonly Dictionary<string, string?> CleanEnvironment = new()
    {
        ["MSBuildExtensionsPath"] = null,
        ["MSBuildSDKsPath"] = null,
        ["MSBUILD_EXE_PATH"] = null,
        ["DOTNET_HOST_PATH"] = null,
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_NOLOGO"] = "1",
    };

    /// <summary>Runs <paramref name="program"/> in <paramref name="workingDirectory"/>; see <see cref="ChildProcess.RunAsync"/>.</summary>
    public static Task<(int ExitCode, string Output)> RunAsync(string program, string workingDirectory, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var variables = new Dictionary<string, string?>(CleanEnvironment);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            variables[name] = value;
        }

        return ChildProcess.RunAsync(program, arguments, timeout, cancellationToken, variables, workingDirectory);
    }
}
