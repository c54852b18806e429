namespace BidLocks;

/// <summary>
/// Where the container's manager reads environment variables: the process environment, or in tests a table of their
/// own, so that no test has to change the environment that every other test shares.
/// </summary>
internal sealed class BidLockEnvironment(Func<string, string?> lookup)
{
    public static BidLockEnvironment Process { get; } = new(Environment.GetEnvironmentVariable);

    public Func<string, string?> Lookup { get; } = lookup;
}
