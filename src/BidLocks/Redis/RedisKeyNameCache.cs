using System.Collections.Concurrent;

namespace BidLocks;

/// <summary>
/// <see cref="RedisKeyNames"/> per lock, made once and reused: building the fence and queue key names and the key
/// arrays for every call cost more than the rest of the client's work on an uncontended lock.
/// </summary>
internal sealed class RedisKeyNameCache
{
    // Enough for every posting a busy service bids on at once; past it the cache starts over rather than grow.
    private const int Capacity = 4096;

    private readonly ConcurrentDictionary<string, RedisKeyNames> _names = new(StringComparer.Ordinal);
    private int _count;

    public RedisKeyNames For(BidLockKey key)
    {
        if (_names.TryGetValue(key.Value, out var names))
        {
            return names;
        }

        if (Interlocked.Increment(ref _count) > Capacity)
        {
            _names.Clear();
            Interlocked.Exchange(ref _count, 1);
        }

        return _names.GetOrAdd(key.Value, static value => new RedisKeyNames(value));
    }
}
