using StackExchange.Redis;

namespace BidLocks;

/// <summary>
/// The <c>KEYS[]</c> and <c>ARGV[]</c> arrays of the script calls every lock makes (the fenced first try's holder and
/// TTL, the release's lock key and holder), taken from a spare instead of allocated per call: each thread keeps one
/// spare array of each kind, a call takes it and hands it back once the server has answered. On distinct postings
/// this is about 180 bytes of every acquire+release.
/// </summary>
/// <remarks>
/// <para>An array goes back only after a reply: the client wrote the request before the server could answer it and
/// never reads the array again. A call that failed (timed out, disconnected, cancelled) may still be queued to be
/// written, so its arrays are never handed back; the collector takes them once the client is done.</para>
/// <para>A call may resume on another thread, so spares move between threads; each thread keeps at most one of each
/// kind, and a thread with none allocates, as every call did before. Elements are cleared when handed back: a holder
/// id is what releases a lock, and a spare must not keep one reachable.</para>
/// </remarks>
internal static class RedisCallArrays
{
    [ThreadStatic]
    private static RedisKey[]? t_lockKey;

    [ThreadStatic]
    private static RedisValue[]? t_holder;

    [ThreadStatic]
    private static RedisValue[]? t_holderTtl;

    /// <summary>KEYS: lock.</summary>
    public static RedisKey[] LockKey(string key)
    {
        var keys = t_lockKey ?? new RedisKey[1];
        t_lockKey = null;
        keys[0] = key;
        return keys;
    }

    /// <summary>ARGV: holder.</summary>
    public static RedisValue[] Holder(string holderId)
    {
        var values = t_holder ?? new RedisValue[1];
        t_holder = null;
        values[0] = holderId;
        return values;
    }

    /// <summary>ARGV: holder, ttl ms.</summary>
    public static RedisValue[] HolderTtl(string holderId, long ttlMilliseconds)
    {
        var values = t_holderTtl ?? new RedisValue[2];
        t_holderTtl = null;
        values[0] = holderId;
        values[1] = ttlMilliseconds;
        return values;
    }

    /// <summary>Hands back an array from <see cref="LockKey"/>, after the server answered the call that sent it.</summary>
    public static void Answered(RedisKey[] keys)
    {
        Array.Clear(keys);
        t_lockKey = keys;
    }

    /// <summary>Hands back an array from <see cref="Holder"/> or <see cref="HolderTtl"/>, after the server answered.</summary>
    public static void Answered(RedisValue[] values)
    {
        Array.Clear(values);
        if (values.Length == 1)
        {
            t_holder = values;
        }
        else if (values.Length == 2)
        {
            t_holderTtl = values;
        }
    }
}
