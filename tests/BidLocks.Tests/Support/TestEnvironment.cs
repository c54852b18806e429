
namespace BidLocks.Tests.Support;

/// <summary>
/// Environment variables as a table of the test's own, passed to the factory instead of the process environment,
/// which every test shares.
/// </summary>
public static class TestEnvironment
{
    public static Func<string, string?> Of(params (string Name, string? Value)[] variables)
    {
        var table = variables.ToDictionary(variable => variable.Name, variable => variable.Value, StringComparer.Ordinal);
        return name => table.GetValueOrDefault(name);
    }

    /// <summary>A loopback port that nothing listens on (taken from the system, then freed).</summary>
    public static int FreeLoopbackPort() => LoopbackPort.Free();

    /// <summary>A Redis URL on 127.0.0.1 where nothing answers, with a password that must never be shown.</summary>
    public static string UnreachableRedisUrl(string password = "s3cret-pa55") => $"redis://:{password}@127.0.0.1:{FreeLoopbackPort()}/0";
}
