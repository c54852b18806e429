namespace BidLocks;

/// <summary>The script that re-asserts a lease on the primary a Sentinel fail-over moved to (see <see cref="RedisLockStore"/>).</summary>
internal static class RedisOrphanScripts
{
    /// <summary>
    /// A lease whose lock the new primary does not know: granted on the old primary after the promotion, or not yet
    /// copied to the replica when it was promoted. Sets it again with the holder's own value and the rest of its TTL,
    /// but only where nothing is there: a lock another holder took there meanwhile (or one reserved for the queue,
    /// <c>~</c>) wins, and the lease is lost. KEYS: lock. ARGV: holder, ttl ms. 1 when set.
    /// </summary>
    public const string Reassert = """
        if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
        redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
        return 1
        """;
}
