namespace BidLocks;

/// <summary>
/// The Lua scripts behind the Redis lock steps. StackExchange.Redis sends each by EVALSHA once the server knows it
/// (and EVAL again after a restart emptied the script cache). The uncontended acquire of a lease is no script at all: a
/// plain <c>SET K holder NX PX ttl</c> (<see cref="RedisLockStore"/>), the same command a hand-written Redis lock sends.
/// A holder-named lock (<see cref="IBidLockManager.AcquireLockAsync"/>) always takes <see cref="AcquireQueued"/>, whose
/// grant records the attempt that made it (see there).
/// </summary>
/// <remarks>
/// <para>Keys of one lock, all inside one <c>{…}</c> hash tag so Redis Cluster keeps them on one slot:
/// <c>K</c> the lock, <c>K:fence</c> the last fencing token, <c>K:queue</c> (sorted set: waiter → arrival number) and
/// <c>K:waiters</c> (hash: waiter → deadline, ms) for the cross-process FIFO.</para>
/// <para>The lock's value is one of:</para>
/// <list type="bullet">
/// <item><c>holder</c> (the holder id itself, which never begins with <c>+</c> or <c>~</c>): held, nobody queued; the
/// key's own TTL is the hold's. The value is exactly what the plain <c>SET NX</c> writes, so the client sends the id
/// as it is.</item>
/// <item><c>+expiresAtMs:holder</c>: held with waiters queued; the hold ends at the server time in the value, and the
/// key lives on past it while any waiter does.</item>
/// <item><c>~</c>: free, but reserved for the queue: only its live head may take it.</item>
/// </list>
/// <para>The invariant that makes the plain <c>SET NX</c> fair: while any waiter is queued and alive, the key exists.
/// Each waiter, whenever it queues or looks again, stretches the key's TTL to at least its own place's lifetime; a
/// hold with waiters therefore carries its real expiry in the value, and a hand-over leaves <c>~</c> for as long as a
/// waiter may live. So a newcomer's <c>SET NX</c> succeeds only when nobody waits, and every release with waiters
/// (a <c>+</c> hold) hands over and publishes.</para>
/// <para>Only commands and options that Redis 6.0 has (no <c>SET … GET</c>, no <c>PEXPIRE</c> conditions).</para>
/// <para>Fences: max(last fence + 1, server time in µs). The clock part keeps them increasing after a restart that
/// lost the fence key; the stored part keeps them increasing if the clock steps back. The fence key lives for
/// <see cref="BidLockOptions.FenceRetention"/> (a week unless configured) after its last use so idle postings do not
/// keep keys for ever; that long an idleness outlasts any clock correction. Scripts pass the retention to
/// <c>fence(key, retentionMs)</c>; without it (nil) the helper keeps the key a week.</para>
/// <para>What a fence costs the server, measured (docs/benchmarks.md, "The fence for almost free";
/// tests/BidLocks.Benchmarks/fence-server-work.py): about 3.3× raw's work per acquire+release. Of that, running the
/// SET NX inside a script at all is about 1.3–1.5× raw, reading the clock and the stored fence brings it to about 1.8×,
/// and writing the fence back the rest. The write cannot go: a fence is a promise about every later grant, and only a
/// stored last fence keeps the next one above it when the server clock steps back after this holder crashed (its hold
/// then ends by expiry, with no release to write it). Keeping the fence in the lock key instead (released, the key
/// stays as the fence) measured 2.4–2.9× raw: cheaper, still far from 1.5×, and a kept lock key would turn every
/// unfenced acquire's plain SET NX into the queued script. A design that never writes is exact only while the clock
/// never steps back. So the fence stays where it is, and is taken only where something reads it.</para>
/// <para>Results are one integer, so a reply costs no array: on success the fence, or 0 when the caller asked for none
/// (the fence is a clock read and two commands, the largest part of an acquire); <c>-2 - retryAfterMs</c> when busy.</para>
/// <para>The value forms, reply codes, since record, broken note, release message and the fence retention's "0" are
/// <see cref="RedisLockProtocol"/>'s, which the C# side reads and writes them through. The Lua below spells them as
/// literals rather than interpolating that type's constants: interpolated, every script would read
/// <c>{{RedisLockProtocol.Reservation}}</c> where Redis sees <c>'~'</c>, and a reviewer checks the Lua against Redis,
/// not against C#. A change to the protocol changes both, and the Redis suites run the scripts against the C# readers.</para>
/// </remarks>
internal static class RedisScripts
{

    /// <summary>
    /// First try when a fence is wanted: the plain <c>SET NX</c> of the unfenced first try, then the fence.
    /// KEYS: lock, fence. ARGV: holder, ttl ms, fence retention ms. <see cref="RedisLockProtocol.TakeSlowPath"/> when the key exists
    /// (held, or waiters queued).
    /// </summary>
    public const string AcquireFast = Common + """
        if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return -1 end
        return fence(KEYS[2], ARGV[3])
        """;

    /// <summary>
    /// Every other try: joins the queue when the lock is held or another waiter is first, and takes it only when no
    /// hold is live and this holder is at the head of the live queue. KEYS: lock, fence, queue, waiters, since. ARGV:
    /// holder, ttl ms, waiter ttl ms, the fence retention ms ("0": skip the fencing token), and for a holder-named lock the attempt. A holder that asks
    /// again keeps the lock with a new TTL (and a new, higher fence). A new hold records when it began (server ms, then
    /// the holder) under the since key, for inspection: a waiter's holder id says when it started waiting, not when it
    /// got the lock. The record has the hold's TTL and is renewed with it (<see cref="Extend"/>), so it is gone within
    /// one TTL of the hold's end; inspection checks that it names the current holder.
    /// <para>A holder-named lock's holder may ask many times, and a lost reply may hide a grant, so its record also
    /// names the attempt that granted the hold (<c>ms/attempt holder</c>); asking again keeps that attempt and renews
    /// the record with the hold. <see cref="Abandon"/> of an attempt then removes only a hold that attempt granted.
    /// (Leases pass no attempt: each has a holder id of its own, for one attempt, and its record stays <c>ms holder</c>.)</para>
    /// </summary>
    public const string AcquireQueued = Common + """
        local h, ttl, waiterTtl = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
        -- The fence key's retention in ms, or '0' when the caller skips the fencing token (the grant then returns 0).
        local fenceRetentionMs = ARGV[4]
        local skipFencingToken = fenceRetentionMs == '0'
        local v = redis.call('GET', KEYS[1])
        local holder, untilMs = holdOf(v)
        local function taken()
          if skipFencingToken then return 0 end
          return fence(KEYS[2], fenceRetentionMs)
        end
        if holder == h then
          holdFor(KEYS[1], v, h, ttl)
          if ARGV[5] then redis.call('PEXPIRE', KEYS[5], ttl) end
          return taken()
        end
        local function enqueue(retryMs)
          -- Arrival order is a sequence, one past the last in the queue: exact however close two arrivals are.
          local last = redis.call('ZRANGE', KEYS[3], -1, -1, 'WITHSCORES')[2]
          redis.call('ZADD', KEYS[3], 'NX', (tonumber(last) or 0) + 1, h)
          redis.call('HSET', KEYS[4], h, now() + waiterTtl)
          redis.call('PEXPIRE', KEYS[3], waiterTtl)
          redis.call('PEXPIRE', KEYS[4], waiterTtl)
          -- The lock key outlives this waiter's place, so that a newcomer's plain SET NX cannot pass it.
          if redis.call('PTTL', KEYS[1]) < waiterTtl then redis.call('PEXPIRE', KEYS[1], waiterTtl) end
          if retryMs < 0 then retryMs = 0 end
          return -2 - retryMs
        end
        if holder then
          if not untilMs then
            -- A waiter now queues behind this hold: its expiry moves into the value, as the key may outlive it.
            untilMs = now() + redis.call('PTTL', KEYS[1])
            redis.call('SET', KEYS[1], '+' .. string.format('%.0f', untilMs) .. ':' .. holder, 'KEEPTTL')
          end
          return enqueue(untilMs - now())
        end
        local head, deadline = liveHead(KEYS[3], KEYS[4])
        if head and head ~= h then
          if v ~= '~' then redis.call('SET', KEYS[1], '~', 'PX', waiterTtl) end
          return enqueue(deadline - now())
        end
        if head then
          redis.call('ZREM', KEYS[3], h)
          redis.call('HDEL', KEYS[4], h)
        end
        if redis.call('EXISTS', KEYS[3]) == 1 then
          redis.call('SET', KEYS[1], '+' .. string.format('%.0f', now() + ttl) .. ':' .. h, 'PX', math.max(ttl, waiterTtl))
        else
          redis.call('SET', KEYS[1], h, 'PX', ttl)
        end
        local granter = ARGV[5] and ('/' .. ARGV[5]) or ''
        redis.call('SET', KEYS[5], string.format('%.0f', now()) .. granter .. ' ' .. h, 'PX', ttl)
        return taken()
        """;

    /// <summary>KEYS: lock. ARGV: holder. Deletes an unflagged hold; a flagged one (waiters queued) takes the slow path.</summary>
    public const string ReleaseFast = """
        local v = redis.call('GET', KEYS[1])
        if v == ARGV[1] then
          redis.call('DEL', KEYS[1])
          return 1
        end
        if v and string.sub(v, 1, 1) == '+' then return -1 end
        return 0
        """;

    /// <summary>
    /// Releases a flagged hold (waiters queued, or a set looked at it) and hands over: reserves the lock for the live
    /// head of the queue, or deletes it when nobody waits, and announces the release either way. KEYS: lock, queue,
    /// waiters. ARGV: holder, channel, message, waiter ttl ms. 1 when the hold was live.
    /// </summary>
    public const string ReleaseQueued = Common + """
        local holder, untilMs = holdOf(redis.call('GET', KEYS[1]))
        if holder ~= ARGV[1] then return 0 end
        redis.call('ZREM', KEYS[2], ARGV[1])
        redis.call('HDEL', KEYS[3], ARGV[1])
        handOver(KEYS[1], KEYS[2], KEYS[3], ARGV[2], ARGV[3], ARGV[4])
        if untilMs and untilMs <= now() then return 0 end
        return 1
        """;

    /// <summary>
    /// A waiter gave up (timeout, cancellation, failure, a grant that came back too late): leaves the queue, and
    /// passes on a reservation or a hold its attempt may have got (a lost reply may hide a grant). KEYS: lock, queue,
    /// waiters, and for a holder-named lock since. ARGV: holder, channel, message, waiter ttl ms, and for a holder-named
    /// lock the attempt: its hold is passed on only when the since record names this attempt as the one that granted
    /// it, never one the holder had before the attempt or got after it.
    /// </summary>
    public const string Abandon = Common + """
        redis.call('ZREM', KEYS[2], ARGV[1])
        redis.call('HDEL', KEYS[3], ARGV[1])
        local v = redis.call('GET', KEYS[1])
        local function grantedHere()
          if not ARGV[5] then return true end
          local record = redis.call('GET', KEYS[4])
          if not record then return false end
          local space = string.find(record, ' ', 1, true)
          return space ~= nil and space > #ARGV[5] + 1 and string.sub(record, space + 1) == ARGV[1]
            and string.sub(record, space - #ARGV[5] - 1, space - 1) == '/' .. ARGV[5]
        end
        if v == '~' or (holdOf(v) == ARGV[1] and grantedHere()) then
          handOver(KEYS[1], KEYS[2], KEYS[3], ARGV[2], ARGV[3], ARGV[4])
        end
        return 1
        """;

    /// <summary>
    /// KEYS: lock, since. ARGV: holder, ttl ms. 1 when the holder still holds the lock (its TTL is then reset, and that
    /// of the since record, if the lock has one).
    /// </summary>
    public const string Extend = Common + """
        local v = redis.call('GET', KEYS[1])
        if holdOf(v) ~= ARGV[1] then return 0 end
        holdFor(KEYS[1], v, ARGV[1], tonumber(ARGV[2]))
        redis.call('PEXPIRE', KEYS[2], ARGV[2])
        return 1
        """;

    /// <summary>
    /// A fence for a hold taken without one, while it is still held (a re-entrant acquire wants the token its outer
    /// acquire skipped). KEYS: lock, fence. ARGV: holder, fence retention ms. 0 when the holder no longer holds the lock.
    /// </summary>
    public const string Fence = Common + """
        if holdOf(redis.call('GET', KEYS[1])) ~= ARGV[1] then return 0 end
        return fence(KEYS[2], ARGV[2])
        """;

    /// <summary>
    /// An operator breaks a stuck lock (<c>bidlocks release --force</c>): whatever holds it loses it, the fence is raised
    /// so the old holder's late writes are refused, and the next live waiter is served. KEYS: lock, fence, queue,
    /// waiters, broken. ARGV: channel, message, waiter ttl ms, fence retention ms, note, note margin ms. {0} when the
    /// lock is free; else {1, value, last fence, new fence}. A broken holder finds "holder\nnote" at KEYS[5] until its
    /// lease would have expired, plus the margin.
    /// </summary>
    public const string ForceRelease = Common + """
        local v = redis.call('GET', KEYS[1])
        if not v then return {0} end
        local h = holdOf(v)
        if h then redis.call('SET', KEYS[5], h .. '\n' .. ARGV[5], 'PX', math.max(redis.call('PTTL', KEYS[1]), 0) + tonumber(ARGV[6])) end
        local last = redis.call('GET', KEYS[2]) or '0'
        local f = fence(KEYS[2], ARGV[4])
        handOver(KEYS[1], KEYS[3], KEYS[4], ARGV[1], ARGV[2], ARGV[3])
        return {1, v, last, string.format('%.0f', f)}
        """;

    // Shared by the scripts: the server clock (read only when needed: the unflagged release never pays for it), the
    // hold a value names, a new fence, the live head of the queue (dead waiters, whose deadline passed, are dropped on
    // the way) and the hand-over to it.
    internal const string Common = """
        local clock
        local function nowUs()
          if not clock then
            local t = redis.call('TIME')
            clock = t[1] * 1000000 + t[2]
          end
          return clock
        end
        local function now() return math.floor(nowUs() / 1000) end
        local function holdOf(v)
          if not v or v == '~' then return nil end
          if string.sub(v, 1, 1) ~= '+' then return v, nil end
          local colon = string.find(v, ':', 2, true)
          local untilMs = tonumber(string.sub(v, 2, colon - 1))
          if untilMs <= now() then return nil, untilMs end
          return string.sub(v, colon + 1), untilMs
        end
        local function holdFor(key, v, holder, ttl)
          if v == holder then
            redis.call('PEXPIRE', key, ttl)
          else
            redis.call('SET', key, '+' .. string.format('%.0f', now() + ttl) .. ':' .. holder, 'KEEPTTL')
            if redis.call('PTTL', key) < ttl then redis.call('PEXPIRE', key, ttl) end
          end
        end
        local function fence(key, retentionMs)
          local f = nowUs()
          local last = tonumber(redis.call('GET', key))
          if last and last >= f then f = last + 1 end
          redis.call('SET', key, string.format('%.0f', f), 'PX', retentionMs or 604800000)
          return f
        end
        local function liveHead(queue, waiters)
          while true do
            local head = redis.call('ZRANGE', queue, 0, 0)[1]
            if not head then return nil end
            local deadline = tonumber(redis.call('HGET', waiters, head))
            if deadline and deadline > now() then return head, deadline end
            redis.call('ZREM', queue, head)
            redis.call('HDEL', waiters, head)
          end
        end
        local function handOver(lock, queue, waiters, channel, message, waiterTtl)
          local head = liveHead(queue, waiters)
          if head then
            -- Reserved for as long as any waiter may live: each place lapses within waiterTtl of its last look.
            redis.call('SET', lock, '~', 'PX', waiterTtl)
          else
            redis.call('DEL', lock, queue, waiters)
          end
          -- Announced either way: a set that only looked (RedisSetScripts.AcquireSet) stands in no queue, yet flagged
          -- this hold so as to hear of its end.
          redis.call('PUBLISH', channel, message)
        end

        """;
}
