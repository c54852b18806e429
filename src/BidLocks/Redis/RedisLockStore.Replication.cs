using StackExchange.Redis;

namespace BidLocks;

// What ReplicatedRedisLockStore needs of the store it wraps, and the Sentinel follower the store keeps.
internal sealed partial class RedisLockStore
{
    private RedisSentinelFollower? _sentinelFollower;

    /// <summary>With Sentinel: looks for the new primary whenever the client has none (see <see cref="RedisSentinelFollower"/>).</summary>
    internal void FollowSentinels() => _sentinelFollower ??= new RedisSentinelFollower(_connection, _logger);

    /// <summary>The database the lock steps run on: a <c>WAIT</c> after them must go down the same connection.</summary>
    internal IDatabase Database => _database;
}
