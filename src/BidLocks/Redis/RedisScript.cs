using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace BidLocks;

/// <summary>
/// A Lua script sent by its SHA1 (EVALSHA), falling back to the full text (EVAL) when the server does not know it
/// yet, after a restart for example. StackExchange.Redis can do this itself for a script given as text, but its
/// wrapper for that costs about 140 bytes and a lookup per call; this is the hot path of every lock.
/// </summary>
internal sealed class RedisScript
{
    private readonly string _text;
    private readonly byte[] _hash;

    public RedisScript(string text)
    {
        _text = text;
        // The client wants the 20 raw bytes of the SHA1 and writes them as hex itself.
        _hash = SHA1.HashData(Encoding.UTF8.GetBytes(text));
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<long> EvaluateAsync(IDatabaseAsync database, RedisKey[] keys, RedisValue[] values)
    {
        try
        {
            return (long)await database.ScriptEvaluateAsync(_hash, keys, values).ConfigureAwait(false);
        }
        catch (RedisServerException exception) when (exception.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            // The script did not run. EVAL runs it and loads it, so the next call's EVALSHA finds it.
            return (long)await database.ScriptEvaluateAsync(_text, keys, values).ConfigureAwait(false);
        }
    }
}
