namespace BidLocks;

/// <summary>A manager the factory started, with where it locks.</summary>
/// <param name="Manager">The manager.</param>
/// <param name="Target">
/// Where its locks live, as <c>sqlite at PATH</c> or <c>redis at HOST:PORT/DB</c>, with the key prefix: two managers
/// with the same target exclude each other, two with different targets do not. Never holds a password.
/// </param>
internal sealed record StartedBackend(IBidLockManager Manager, string Target)
{
    public static StartedBackend Sqlite(SqliteBidLockManager manager, BidLockOptions options)
        => new(manager, $"sqlite at {manager.DatabasePath} with key prefix '{options.KeyPrefix}'");

    // No user or password: two logins to one server and database lock in one place.
    public static StartedBackend Redis(IBidLockManager manager, RedisConnectionSettings settings, BidLockOptions options)
        => new(manager, $"redis at {settings.Location} with key prefix '{options.KeyPrefix}'");
}
