namespace BidLocks.Tests.Compatibility;

/// <summary>Something a script does that the baseline server lacks, by the test server's own command docs.</summary>
/// <param name="Option">The option (or options used together) at fault; empty when the command itself is.</param>
/// <param name="Since">The version that brought it; null when the server does not know the command at all.</param>
public sealed record CompatibilityFinding(string Script, int Line, string Command, string Option, Version? Since, string Why)
{
    public override string ToString()
    {
        var what = Option.Length == 0 ? Command : $"{Command} … {Option}";
        var needs = Since is null ? "is unknown to the test server" : $"needs Redis {Since}";
        return $"{Script} (line {Line}): {what} {needs}: {Why}";
    }
}
