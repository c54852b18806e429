using StackExchange.Redis;

namespace BidLocks;

/// <summary>
/// The <c>KEYS[]</c> and <c>ARGV[]</c> arrays of the script calls every lock makes (the fenced first try's holder and
/// TTL, the release's lock key and holder), taken from a spare instead of allocated per call: a call takes a spare
/// array and hands it back once the server has answered. That is 184 bytes of every acquire+release, 144 on a posting
/// locked before.
/// </summary>
/// <remarks>
/// <para>An array goes back only after a reply: the client wrote the request before the server could answer it and
/// never reads the array again. A call that failed (timed out, disconnected, cancelled) may still be queued to be
/// written, so its arrays are never handed back; the collector takes them once the client is done.</para>
/// <para>A call may resume on another thread, so spares move between threads: each thread keeps at most one of each
/// kind and all threads share one more; a call that finds none allocates, as every call did before. Elements are
/// cleared when handed back: a holder id is what releases a lock, and a spare must not keep one reachable.</para>
/// </remarks>
internal static class RedisCallArrays
{
    [ThreadStatic]
    private static RedisKey[]? t_lockKey;

    [ThreadStatic]
    private static RedisValue[]? t_holder;

    [ThreadStatic]
    private static RedisValue[]? t_holderTtl;

    private static RedisKey[]? s_lockKey;
    private static RedisValue[]? s_holder;
    private static RedisValue[]? s_holderTtl;

    /// <summary>KEYS: lock.</summary>
    public static RedisKey[] LockKey(string key)
    {
        var keys = Take(ref t_lockKey, ref s_lockKey, 1);
        keys[0] = key;
        return keys;
    }

    /// <summary>ARGV: holder.</summary>
    public static RedisValue[] Holder(string holderId)
    {
        var values = Take(ref t_holder, ref s_holder, 1);
        values[0] = holderId;
        return values;
    }

    /// <summary>ARGV: holder, ttl ms.</summary>
    public static RedisValue[] HolderTtl(string holderId, long ttlMilliseconds)
    {
        var values = Take(ref t_holderTtl, ref s_holderTtl, 2);
        values[0] = holderId;
        values[1] = ttlMilliseconds;
        return values;
    }

    /// <summary>Hands back an array from <see cref="LockKey"/>, after the server answered the call that sent it.</summary>
    public static void Answered(RedisKey[] keys) => Keep(ref t_lockKey, ref s_lockKey, keys);

    /// <summary>Hands back an array from <see cref="Holder"/> or <see cref="HolderTtl"/>, after the server answered.</summary>
    public static void Answered(RedisValue[] values)
    {
        if (values.Length == 1)
        {
            Keep(ref t_holder, ref s_holder, values);
        }
        else if (values.Length == 2)
        {
            Keep(ref t_holderTtl, ref s_holderTtl, values);
        }
    }

    // The thread's own spare first, then the one all threads share: a reply usually resumes on another thread than the
    // call began on, so with the thread's own alone every other call would miss.
    private static T[] Take<T>(ref T[]? own, ref T[]? shared, int length)
    {
        var spare = own;
        if (spare is not null)
        {
            own = null;
            return spare;
        }

        return Interlocked.Exchange(ref shared, null) ?? new T[length];
    }

    private static void Keep<T>(ref T[]? own, ref T[]? shared, T[] array)
    {
        Array.Clear(array);
        if (own is null)
        {
            own = array;
        }
        else
        {
            Volatile.Write(ref shared, array);
        }
    }
}
