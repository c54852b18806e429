using StackExchange.Redis;

namespace BidLocks;

/// <summary>
/// What a container adds to the rules: the host's environment, the multiplexers the application already registered, its
/// connection strings, and what the <c>BidLocks</c> configuration section said that BidLocks ignores. The factory alone
/// (no container) has none of these.
/// </summary>
/// <param name="EnvironmentName">The host's <c>IHostEnvironment.EnvironmentName</c>, when there is a host.</param>
/// <param name="KeyedConnection">The container's <see cref="IConnectionMultiplexer"/> registered under a key, if any.</param>
/// <param name="Connection">The container's unkeyed <see cref="IConnectionMultiplexer"/>, if any.</param>
/// <param name="ConnectionString">Reads <c>ConnectionStrings:&lt;name&gt;</c> from the configuration.</param>
/// <param name="ConfigurationWarnings">Unknown keys in the <c>BidLocks</c> section, each with the closest known one.</param>
internal sealed record BidLockHostContext(
    string? EnvironmentName,
    Func<string, IConnectionMultiplexer?> KeyedConnection,
    Func<IConnectionMultiplexer?> Connection,
    Func<string, string?> ConnectionString,
    IReadOnlyList<string> ConfigurationWarnings)
{
    /// <summary>A host's environment alone: no container services, no configuration.</summary>
    public static BidLockHostContext ForEnvironment(string? environmentName)
        => new(environmentName, _ => null, () => null, _ => null, []);
}
