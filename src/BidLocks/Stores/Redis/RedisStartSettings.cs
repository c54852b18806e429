namespace BidLocks;

/// <summary>
/// Everything a <see cref="RedisBidLockManager"/> needs to start, decided once by <see cref="BidLockSettingsResolver"/>:
/// nothing below it reads an environment variable.
/// </summary>
/// <param name="Connection">Where the server is, how to log in, and the connection's timeouts and trust.</param>
/// <param name="Replication">How many replicas acknowledge each grant (<c>BIDLOCKS_REDIS_MIN_REPLICAS</c>).</param>
/// <param name="GarnetTransactionModeConfirmed">The operator's word that a Garnet runs scripts atomically (<c>BIDLOCKS_GARNET_LUA_TRANSACTION_MODE</c>).</param>
internal sealed record RedisStartSettings(RedisConnectionSettings Connection, RedisReplicationSettings Replication, bool GarnetTransactionModeConfirmed);
