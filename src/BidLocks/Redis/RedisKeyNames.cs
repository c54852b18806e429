using StackExchange.Redis;

namespace BidLocks;

/// <summary>
/// The key arrays one lock's Redis steps pass in <c>KEYS[]</c>, all under the lock's hash tag. Never written after
/// they are made, so concurrent calls on one lock can share them (see <see cref="RedisKeyNameCache"/>).
/// </summary>
internal sealed class RedisKeyNames
{
    public const string FenceSuffix = ":fence";
    public const string QueueSuffix = ":queue";
    public const string WaitersSuffix = ":waiters";

    public RedisKeyNames(string key)
    {
        RedisKey lockKey = key;
        RedisKey fence = key + FenceSuffix;
        RedisKey queue = key + QueueSuffix;
        RedisKey waiters = key + WaitersSuffix;
        RedisKey since = key + SinceSuffix;
        Lock = [lockKey];
        LockFence = [lockKey, fence];
        LockSince = [lockKey, since];
        Queued = [lockKey, fence, queue, waiters, since];
        LockQueue = [lockKey, queue, waiters];
        LockQueueSince = [lockKey, queue, waiters, since];
    }

    /// <summary>KEYS: lock.</summary>
    public RedisKey[] Lock { get; }

    /// <summary>KEYS: lock, fence.</summary>
    public RedisKey[] LockFence { get; }

    /// <summary>KEYS: lock, since.</summary>
    public RedisKey[] LockSince { get; }

    /// <summary>
    /// The suffix of the key that records when a queued waiter was handed the lock (<c>&lt;unix ms&gt; &lt;holder&gt;</c>), for
    /// inspection; a lock taken at the first try needs none, since its holder id carries the time.
    /// </summary>
    public const string SinceSuffix = ":since";

    /// <summary>KEYS: lock, fence, queue, waiters, since.</summary>
    public RedisKey[] Queued { get; }

    /// <summary>KEYS: lock, queue, waiters.</summary>
    public RedisKey[] LockQueue { get; }

    /// <summary>KEYS: lock, queue, waiters, since.</summary>
    public RedisKey[] LockQueueSince { get; }
}
