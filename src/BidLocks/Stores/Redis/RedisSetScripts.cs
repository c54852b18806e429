namespace BidLocks;

/// <summary>
/// The Lua script that takes a whole set of locks (all on one server, or one cluster slot) in one step. It keeps the
/// single-key layout of <see cref="RedisScripts"/> (the value forms, <c>~</c> reservation, <c>K:queue</c> /
/// <c>K:waiters</c> FIFO, <c>K:since</c>), so single-key waiters and sets queue on a key together, in arrival order.
/// Its literals are <see cref="RedisLockProtocol"/>'s, spelled out as in <see cref="RedisScripts"/> (see there for why).
/// </summary>
internal static class RedisSetScripts
{
    /// <summary>Keys per member of a set: lock, fence, queue, waiters, since (as <see cref="RedisKeyNames.Queued"/>).</summary>
    public const int KeysPerMember = 5;

    /// <summary>
    /// KEYS: for each member in lock order, lock, fence, queue, waiters, since. ARGV: holder, ttl ms, waiter ttl ms,
    /// the fence retention in ms ("0": skip the fencing tokens), the release channel, each member's release message,
    /// then "1" to wait in line or "0" to only look. When every member is free for
    /// this holder (no live hold of another, and nobody queued ahead of it), takes them all: <c>{1, fence…}</c> (fences 0 when none was wanted). Otherwise takes none,
    /// <c>{0, retryMs, index of the first busy member}</c>. Waiting in line, the holder joins the queue of its first busy member (held, or
    /// another waiter first) exactly as <see cref="RedisScripts.AcquireQueued"/> does, keeps places and reservations
    /// only below it (see the script), and leaves untouched the members that are free and nobody waits for, so others
    /// can use them meanwhile. Only looking, it joins no queue: the holds it found are flagged (the <c>+</c> form), so
    /// their release goes through the hand-over, which announces it even when nobody is queued.
    /// </summary>
    public const string AcquireSet = RedisScripts.Common + """
        local h, ttl, waiterTtl = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
        -- The fence keys' retention in ms, or '0' when the caller skips the fencing tokens (each then returns 0).
        local fenceRetentionMs = ARGV[4]
        local skipFencingToken = fenceRetentionMs == '0'
        local n = #KEYS / 5
        local waitInLine = ARGV[6 + n] == '1'
        local function k(i, j) return KEYS[(i - 1) * 5 + j] end
        local function enqueue(i)
          local last = redis.call('ZRANGE', k(i, 3), -1, -1, 'WITHSCORES')[2]
          redis.call('ZADD', k(i, 3), 'NX', (tonumber(last) or 0) + 1, h)
          redis.call('HSET', k(i, 4), h, now() + waiterTtl)
          redis.call('PEXPIRE', k(i, 3), waiterTtl)
          redis.call('PEXPIRE', k(i, 4), waiterTtl)
          if redis.call('PTTL', k(i, 1)) < waiterTtl then redis.call('PEXPIRE', k(i, 1), waiterTtl) end
        end
        -- Look first, change nothing: which members does another hold, or another waiter stand first for?
        local busy, retryMs = {}, nil
        local function wait(ms) if not retryMs or ms < retryMs then retryMs = ms end end
        for i = 1, n do
          local v = redis.call('GET', k(i, 1))
          local holder, untilMs = holdOf(v)
          if holder and holder ~= h then
            busy[i] = true
            if not untilMs then
              untilMs = now() + redis.call('PTTL', k(i, 1))
              redis.call('SET', k(i, 1), '+' .. string.format('%.0f', untilMs) .. ':' .. holder, 'KEEPTTL')
            end
            wait(untilMs - now())
          elseif not holder then
            local head, deadline = liveHead(k(i, 3), k(i, 4))
            if head and head ~= h then
              busy[i] = true
              if v ~= '~' then redis.call('SET', k(i, 1), '~', 'PX', waiterTtl) end
              wait(deadline - now())
            end
          end
        end
        if retryMs and waitInLine then
          -- None taken. The set queues on its first busy member in lock order only, and keeps a place (or the
          -- reservation a hand-over gave it) on a member only while every member below it is free for it; any place
          -- above the first busy member is given up, and a reservation there passed on. Like holds in ordered taking,
          -- a set so keeps nothing above what it waits for: no two sets can each keep what the other waits for, and no
          -- set stands first on a member it cannot use.
          local inOrder = true
          for i = 1, n do
            local queued = redis.call('ZSCORE', k(i, 3), h)
            if inOrder and (busy[i] or queued) then
              enqueue(i)
            elseif queued then
              redis.call('ZREM', k(i, 3), h)
              redis.call('HDEL', k(i, 4), h)
              if redis.call('GET', k(i, 1)) == '~' then handOver(k(i, 1), k(i, 3), k(i, 4), ARGV[5], ARGV[5 + i], waiterTtl) end
            end
            if busy[i] then inOrder = false end
          end
        end
        if retryMs then
          -- Only looking, the set took no place anywhere: the holds above are flagged, so it hears their release.
          if retryMs < 0 then retryMs = 0 end
          local first = 1
          while not busy[first] do first = first + 1 end
          return {0, retryMs, first - 1}
        end
        local result = {1}
        for i = 1, n do
          redis.call('ZREM', k(i, 3), h)
          redis.call('HDEL', k(i, 4), h)
          if redis.call('EXISTS', k(i, 3)) == 1 then
            redis.call('SET', k(i, 1), '+' .. string.format('%.0f', now() + ttl) .. ':' .. h, 'PX', math.max(ttl, waiterTtl))
          else
            redis.call('SET', k(i, 1), h, 'PX', ttl)
          end
          redis.call('SET', k(i, 5), string.format('%.0f', now()) .. ' ' .. h, 'PX', ttl)
          if skipFencingToken then result[i + 1] = 0 else result[i + 1] = fence(k(i, 2), fenceRetentionMs) end
        end
        return result
        """;
}
