namespace BidLocks;

/// <summary>
/// The Lua scripts behind every Redis lock step. StackExchange.Redis sends each by EVALSHA once the server knows it
/// (and EVAL again after a restart emptied the script cache).
/// </summary>
/// <remarks>
/// <para>Keys of one lock, all inside one <c>{…}</c> hash tag so Redis Cluster keeps them on one slot:
/// <c>K</c> the lock, <c>K:fence</c> the last fencing token, <c>K:queue</c> (sorted set: waiter → arrival number) and
/// <c>K:waiters</c> (hash: waiter → deadline, ms) for the cross-process FIFO.</para>
/// <para>The lock's value is <c>=holder</c>, or <c>+holder</c> once a waiter has queued behind it (its release must
/// then hand over), or <c>~</c> while it is reserved for the waiter at the head of the queue. While the queue is not
/// empty the value is never <c>=</c>: the fast first try takes the lock only when nobody is queued, and a waiter that
/// queues behind an <c>=</c> hold flags it, so every release with waiters hands over and publishes.</para>
/// <para>Only commands and options that Redis 6.0 has (no <c>SET … GET</c>, no <c>NX</c> with <c>GET</c>).</para>
/// <para>Fences: max(last fence + 1, server time in µs). The clock part keeps them increasing after a restart that
/// lost the fence key; the stored part keeps them increasing if the clock steps back. The fence key lives for a week
/// (604800000 ms) after its last use so idle postings do not keep keys for ever; a week of idleness outlasts any clock correction.</para>
/// <para>Results are one integer, so a reply costs no array: on success the fence, or 0 when the caller asked for none
/// (the fence is a clock read and a write, the largest part of an uncontended acquire); <see cref="TakeSlowPath"/>
/// when the fast script saw anything but a free lock with nobody queued; <c>-2 - retryAfterMs</c> when busy.</para>
/// </remarks>
internal static class RedisScripts
{
    public const long TakeSlowPath = -1;

    /// <summary>
    /// First try. KEYS: lock, fence, queue. ARGV: holder, ttl ms, fence wanted (1 or 0). Takes the lock only when it
    /// is free and nobody is queued for it: a newcomer never passes a queued waiter (the queued path serves the head).
    /// </summary>
    public const string AcquireFast = """
        if redis.call('EXISTS', KEYS[3]) == 1 then return -1 end
        if not redis.call('SET', KEYS[1], '=' .. ARGV[1], 'NX', 'PX', ARGV[2]) then return -1 end
        if ARGV[3] == '0' then return 0 end
        local t = redis.call('TIME')
        local f = t[1] * 1000000 + t[2]
        local last = tonumber(redis.call('GET', KEYS[2]))
        if last and last >= f then f = last + 1 end
        redis.call('SET', KEYS[2], string.format('%.0f', f), 'PX', 604800000)
        return f
        """;

    /// <summary>
    /// Every other try: joins the queue when the lock is taken, and takes it only when free and this holder is at
    /// the head of the live queue. KEYS: lock, fence, queue, waiters, since. ARGV: holder, ttl ms, waiter ttl ms, fence
    /// wanted (1 or 0). A holder that asks again keeps the lock with a new TTL (and a new, higher fence). A new hold
    /// records when it began (server ms, then the holder) under the since key, for inspection: a waiter's holder id
    /// says when it started waiting, not when it got the lock. The record has the hold's TTL and is renewed with it
    /// (<see cref="Extend"/>), so it is gone within one TTL of the hold's end; inspection checks that it names the
    /// current holder.
    /// </summary>
    public const string AcquireQueued = Common + """
        local h = ARGV[1]
        local v = redis.call('GET', KEYS[1])
        if v == '=' .. h or v == '+' .. h then
          redis.call('PEXPIRE', KEYS[1], ARGV[2])
          if ARGV[4] == '0' then return 0 end
          return fence(KEYS[2])
        end
        local function enqueue(retryMs)
          -- Arrival order is a sequence, one past the last in the queue: exact however close two arrivals are (a
          -- microsecond clock would print with 14 digits and tie arrivals within ~100 µs).
          local last = redis.call('ZRANGE', KEYS[3], -1, -1, 'WITHSCORES')[2]
          redis.call('ZADD', KEYS[3], 'NX', (tonumber(last) or 0) + 1, h)
          redis.call('HSET', KEYS[4], h, nowMs + tonumber(ARGV[3]))
          redis.call('PEXPIRE', KEYS[3], ARGV[3])
          redis.call('PEXPIRE', KEYS[4], ARGV[3])
          if retryMs < 0 then retryMs = 0 end
          return -2 - retryMs
        end
        if v and v ~= '~' then
          if string.sub(v, 1, 1) == '=' then redis.call('SET', KEYS[1], '+' .. string.sub(v, 2), 'KEEPTTL') end
          return enqueue(redis.call('PTTL', KEYS[1]))
        end
        local head, deadline = liveHead(KEYS[3], KEYS[4])
        if head and head ~= h then
          if not v then redis.call('SET', KEYS[1], '~', 'PX', deadline - nowMs) end
          return enqueue(deadline - nowMs)
        end
        if head then
          redis.call('ZREM', KEYS[3], h)
          redis.call('HDEL', KEYS[4], h)
        end
        local mark = '='
        if redis.call('EXISTS', KEYS[3]) == 1 then mark = '+' end
        redis.call('SET', KEYS[1], mark .. h, 'PX', ARGV[2])
        redis.call('SET', KEYS[5], string.format('%.0f', nowMs) .. ' ' .. h, 'PX', ARGV[2])
        if ARGV[4] == '0' then return 0 end
        return fence(KEYS[2])
        """;

    /// <summary>
    /// A fence for a hold taken without one, while it is still held (a re-entrant acquire wants the token its outer
    /// acquire skipped). KEYS: lock, fence. ARGV: holder. 0 when the holder no longer holds the lock.
    /// </summary>
    public const string Fence = Common + """
        local v = redis.call('GET', KEYS[1])
        if v ~= '=' .. ARGV[1] and v ~= '+' .. ARGV[1] then return 0 end
        return fence(KEYS[2])
        """;

    /// <summary>KEYS: lock. ARGV: holder. Deletes an unflagged hold; a flagged one (waiters queued) takes the slow path.</summary>
    public const string ReleaseFast = """
        local v = redis.call('GET', KEYS[1])
        if v == '=' .. ARGV[1] then
          redis.call('DEL', KEYS[1])
          return 1
        end
        if v == '+' .. ARGV[1] then return -1 end
        return 0
        """;

    /// <summary>
    /// Releases and hands over: reserves the lock for the live head of the queue and tells waiters, or deletes it
    /// when nobody waits. KEYS: lock, queue, waiters. ARGV: holder, channel, message.
    /// </summary>
    public const string ReleaseQueued = Common + """
        local v = redis.call('GET', KEYS[1])
        if v ~= '=' .. ARGV[1] and v ~= '+' .. ARGV[1] then return 0 end
        redis.call('ZREM', KEYS[2], ARGV[1])
        redis.call('HDEL', KEYS[3], ARGV[1])
        handOver(KEYS[1], KEYS[2], KEYS[3], ARGV[2], ARGV[3])
        return 1
        """;

    /// <summary>
    /// A waiter gave up (timeout, cancellation, failure, a grant that came back too late): leaves the queue, and
    /// passes on a reservation or a hold it may have (a lost reply may hide a grant). KEYS: lock, queue, waiters.
    /// ARGV: holder, channel, message.
    /// </summary>
    public const string Abandon = Common + """
        redis.call('ZREM', KEYS[2], ARGV[1])
        redis.call('HDEL', KEYS[3], ARGV[1])
        local v = redis.call('GET', KEYS[1])
        if v == '~' or v == '=' .. ARGV[1] or v == '+' .. ARGV[1] then
          handOver(KEYS[1], KEYS[2], KEYS[3], ARGV[2], ARGV[3])
        end
        return 1
        """;

    /// <summary>
    /// An operator breaks a stuck lock (<c>bidlocks release --force</c>), whoever holds it: the fence is raised, so the
    /// old holder's token is below every later one, and the lock is handed to the live head of the queue (or deleted).
    /// KEYS: lock, fence, queue, waiters. ARGV: channel, message. Returns {0} when the lock was free, else
    /// {1, value, previous fence, new fence}, the fences as text.
    /// </summary>
    public const string ForceRelease = Common + """
        local v = redis.call('GET', KEYS[1])
        if not v then return {0} end
        local last = redis.call('GET', KEYS[2]) or '0'
        local f = fence(KEYS[2])
        handOver(KEYS[1], KEYS[3], KEYS[4], ARGV[1], ARGV[2])
        return {1, v, last, string.format('%.0f', f)}
        """;

    /// <summary>
    /// KEYS: lock, since. ARGV: holder, ttl ms. 1 when the holder still holds the lock (its TTL is then reset, and that
    /// of the since record, if the lock has one).
    /// </summary>
    public const string Extend = """
        local v = redis.call('GET', KEYS[1])
        if v == '=' .. ARGV[1] or v == '+' .. ARGV[1] then
          redis.call('PEXPIRE', KEYS[1], ARGV[2])
          redis.call('PEXPIRE', KEYS[2], ARGV[2])
          return 1
        end
        return 0
        """;

    // Shared by the queued scripts: the server clock, a new fence, the live head of the queue (dead waiters, whose
    // deadline passed, are dropped on the way) and the hand-over to it.
    private const string Common = """
        local t = redis.call('TIME')
        local nowUs = t[1] * 1000000 + t[2]
        local nowMs = math.floor(nowUs / 1000)
        local function fence(key)
          local f = nowUs
          local last = tonumber(redis.call('GET', key))
          if last and last >= f then f = last + 1 end
          redis.call('SET', key, string.format('%.0f', f), 'PX', 604800000)
          return f
        end
        local function liveHead(queue, waiters)
          while true do
            local head = redis.call('ZRANGE', queue, 0, 0)[1]
            if not head then return nil end
            local deadline = tonumber(redis.call('HGET', waiters, head))
            if deadline and deadline > nowMs then return head, deadline end
            redis.call('ZREM', queue, head)
            redis.call('HDEL', waiters, head)
          end
        end
        local function handOver(lock, queue, waiters, channel, message)
          local head, deadline = liveHead(queue, waiters)
          if head then
            redis.call('SET', lock, '~', 'PX', deadline - nowMs)
            redis.call('PUBLISH', channel, message)
          else
            redis.call('DEL', lock, queue, waiters)
          end
        end

        """;
}
