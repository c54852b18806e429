using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace BidLocks.Tests.Cli;

/// <summary>
/// Runs the real <c>bidlocks</c> tool (src/BidLocks.Cli, built with the tests) as a child process, with an environment
/// that carries none of the variables the factory reads unless the test gives them.
/// </summary>
internal static class BidLocksTool
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(90);

    private static readonly string[] FactoryVariables =
    [
        "USE_REDIS_LOCKS", "REDIS_URL", "REDIS_HOST", "REDIS_PORT", "REDIS_DB", "REDIS_PASSWORD",
        "DOTNET_ENVIRONMENT", "ASPNETCORE_ENVIRONMENT", "BIDLOCKS_SQLITE_PATH", "BIDLOCKS_GARNET_LUA_TRANSACTION_MODE",
    ];

    /// <summary>The tool's assembly, where the test build recorded it.</summary>
    public static string AssemblyPath
    {
        get
        {
            var path = typeof(BidLocksTool).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .FirstOrDefault(attribute => attribute.Key == "BidLocks.Cli")?.Value
                ?? throw new InvalidOperationException("The test build did not record where BidLocks.Cli was built.");
            return File.Exists(path) ? path : throw new InvalidOperationException($"BidLocks.Cli is not built at {path}: build the solution.");
        }
    }

    /// <summary>Starts the tool; the caller reads or stops it (watch).</summary>
    public static Process Start(IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(AssemblyPath);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var variable in FactoryVariables)
        {
            start.Environment.Remove(variable);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
    }

    public static Task<ToolRun> RunAsync(CancellationToken cancellationToken, params string[] arguments) => RunAsync(cancellationToken, null, arguments);

    public static async Task<ToolRun> RunAsync(CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        using var process = Start(environment, arguments);
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken).WaitAsync(RunTimeout, cancellationToken);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }

        return new ToolRun(process.ExitCode, await output, await errors);
    }
}

/// <summary>What one run of the tool did.</summary>
internal sealed record ToolRun(int ExitCode, string Output, string Errors)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Errors}";
}
