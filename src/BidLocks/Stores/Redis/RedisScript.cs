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
            return (long)await SendAsync(database, keys, values).ConfigureAwait(false);
        }
        catch (RedisServerException exception) when (IsUnknown(exception))
        {
            return await ResendAsync(database, keys, values).ConfigureAwait(false);
        }
    }

    /// <summary>As <see cref="EvaluateAsync"/>, for a script whose reply is not one integer (an array, say).</summary>
    public async Task<RedisResult> EvaluateResultAsync(IDatabaseAsync database, RedisKey[] keys, RedisValue[] values)
    {
        try
        {
            return await SendAsync(database, keys, values).ConfigureAwait(false);
        }
        catch (RedisServerException exception) when (IsUnknown(exception))
        {
            return await ResendResultAsync(database, keys, values).ConfigureAwait(false);
        }
    }

    /// <summary>EVALSHA alone, for a caller that handles <see cref="IsUnknown"/> itself and saves a layer.</summary>
    /// <remarks>
    /// On the primary only: the client cannot tell a writing script from a reading one, and by default sends a script to
    /// a replica while the primary is away (a fail-over). A read-only replica refuses it, but one configured to accept
    /// writes would grant a lock that no other client sees.
    /// </remarks>
    public Task<RedisResult> SendAsync(IDatabaseAsync database, RedisKey[] keys, RedisValue[] values)
        => database.ScriptEvaluateAsync(_hash, keys, values, CommandFlags.DemandMaster);

    /// <summary>After <see cref="IsUnknown"/>: the script did not run; EVAL runs it and loads it for next time.</summary>
    public async Task<long> ResendAsync(IDatabaseAsync database, RedisKey[] keys, RedisValue[] values)
        => (long)await ResendResultAsync(database, keys, values).ConfigureAwait(false);

    // EVAL, on the primary only for the reason SendAsync gives.
    private Task<RedisResult> ResendResultAsync(IDatabaseAsync database, RedisKey[] keys, RedisValue[] values)
        => database.ScriptEvaluateAsync(_text, keys, values, CommandFlags.DemandMaster);

    /// <summary>True when the server did not know the script (NOSCRIPT), after a restart for example.</summary>
    public static bool IsUnknown(RedisServerException exception) => exception.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal);
}
