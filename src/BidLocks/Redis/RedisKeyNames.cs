using StackExchange.Redis;

namespace BidLocks;

/// <summary>
/// The key arrays one lock's Redis steps pass in <c>KEYS[]</c>, all under the lock's hash tag. Never written after
/// they are made, so concurrent calls on one lock can share them (see <see cref="RedisKeyNameCache"/>).
/// </summary>
internal sealed class RedisKeyNames
{
    public RedisKeyNames(string key)
    {
        RedisKey lockKey = key;
        RedisKey fence = key + ":fence";
        RedisKey queue = key + ":queue";
        RedisKey waiters = key + ":waiters";
        Lock = [lockKey];
        LockFence = [lockKey, fence];
        Queued = [lockKey, fence, queue, waiters];
        LockQueue = [lockKey, queue, waiters];
    }

    /// <summary>KEYS: lock.</summary>
    public RedisKey[] Lock { get; }

    /// <summary>KEYS: lock, fence.</summary>
    public RedisKey[] LockFence { get; }

    /// <summary>KEYS: lock, fence, queue, waiters.</summary>
    public RedisKey[] Queued { get; }

    /// <summary>KEYS: lock, queue, waiters.</summary>
    public RedisKey[] LockQueue { get; }
}
