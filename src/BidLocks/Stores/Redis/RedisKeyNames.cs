using StackExchange.Redis;

namespace BidLocks;

/// <summary>
/// The key arrays one lock's Redis steps pass in <c>KEYS[]</c>, all under the lock's hash tag. Each step builds only
/// the keys it uses, when it runs: of the two that run for every lock, <see cref="LockFence"/> for the fenced first
/// try comes from a <see cref="RedisKeyArrayCache"/> and the release's lock key alone from <see cref="RedisCallArrays"/>;
/// the rest are for waits and renewals, which are rare next to them.
/// </summary>
internal static class RedisKeyNames
{
    public const string FenceSuffix = ":fence";
    public const string QueueSuffix = ":queue";
    public const string WaitersSuffix = ":waiters";

    /// <summary>
    /// The suffix of the key that records when a queued waiter was handed the lock (<c>&lt;unix ms&gt; &lt;holder&gt;</c>), for
    /// inspection; a lock taken at the first try needs none, since its holder id carries the time.
    /// </summary>
    public const string SinceSuffix = ":since";

    /// <summary>The suffix of the key a forced release leaves for the holder it broke: <c>&lt;holder&gt;\n&lt;note&gt;</c>.</summary>
    public const string BrokenSuffix = ":broken";

    /// <summary>KEYS: lock, fence.</summary>
    public static RedisKey[] LockFence(string key) => [key, key + FenceSuffix];

    /// <summary>KEYS: lock, since.</summary>
    public static RedisKey[] LockSince(string key) => [key, key + SinceSuffix];

    /// <summary>KEYS: lock, fence, queue, waiters, since.</summary>
    public static RedisKey[] Queued(string key) => [key, key + FenceSuffix, key + QueueSuffix, key + WaitersSuffix, key + SinceSuffix];

    /// <summary>KEYS: lock, queue, waiters.</summary>
    public static RedisKey[] LockQueue(string key) => [key, key + QueueSuffix, key + WaitersSuffix];

    /// <summary>KEYS: lock, fence, queue, waiters, broken.</summary>
    public static RedisKey[] ForceRelease(string key) => [key, key + FenceSuffix, key + QueueSuffix, key + WaitersSuffix, key + BrokenSuffix];

    /// <summary>KEYS: lock, queue, waiters, since.</summary>
    public static RedisKey[] LockQueueSince(string key) => [key, key + QueueSuffix, key + WaitersSuffix, key + SinceSuffix];
}
