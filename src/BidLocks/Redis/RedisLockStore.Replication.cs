using StackExchange.Redis;

namespace BidLocks;

// What ReplicatedRedisLockStore needs of the store it wraps.
internal sealed partial class RedisLockStore
{
    /// <summary>The database the lock steps run on: a <c>WAIT</c> after them must go down the same connection.</summary>
    internal IDatabase Database => _database;
}
