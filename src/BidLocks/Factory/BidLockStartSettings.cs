namespace BidLocks;

/// <summary>
/// Everything the factory needs to start a manager, decided once by <see cref="BidLockSettingsResolver"/> from the
/// options, the configuration, the environment variables and the host's environment, and handed down unchanged.
/// </summary>
/// <param name="Options">A private copy of the options, validated; nobody changes it afterwards.</param>
/// <param name="Plan">The backend to start, why, and where.</param>
/// <param name="Redis">For the Redis kinds: the connection, replication and Garnet settings.</param>
/// <param name="Warnings">Settings that were ignored (an unknown configuration key), to log at start.</param>
internal sealed record BidLockStartSettings(BidLockOptions Options, BackendPlan Plan, RedisStartSettings? Redis, IReadOnlyList<string> Warnings);
