using System.Collections.Concurrent;
using System.Diagnostics;

namespace BidLocks;

/// <summary>
/// With Sentinel: the releases of the last few seconds, to be sent again once the client has moved to the primary the
/// Sentinels named. Between the promotion and its announcement (<c>+switch-master</c>) a release may still go to the
/// old primary, which answers it, still writable but no longer replicated: the lock stays held on the new primary for
/// the rest of its TTL although its holder is done. Compare-and-delete makes sending it again harmless, and a grant to
/// the same holder on the same key forgets it, so a holder that took the lock again does not lose it.
/// </summary>
internal sealed class RedisRecentReleases
{
    /// <summary>
    /// How far back a release may have gone to the old primary: Sentinel announces the switch once the promoted
    /// replica reports itself a primary, which it asks for every second; ten covers a slow, loaded host.
    /// </summary>
    public static readonly TimeSpan Lookback = TimeSpan.FromSeconds(10);

    private const int PruneAbove = 4096;
    private readonly ConcurrentDictionary<(string Key, string Holder), (BidLockKey Key, long At)> _released = new();
    private int _noted;

    public void Note(BidLockKey key, string holderId)
    {
        _released[(key.Value, holderId)] = (key, Stopwatch.GetTimestamp());
        if (Interlocked.Increment(ref _noted) % PruneAbove == 0)
        {
            Prune();
        }
    }

    public void Forget(BidLockKey key, string holderId)
    {
        if (!_released.IsEmpty)
        {
            _released.TryRemove((key.Value, holderId), out _);
        }
    }

    /// <summary>The releases made in the <see cref="Lookback"/> before <paramref name="announcedAt"/> or since, each handed out once.</summary>
    public List<(BidLockKey Key, string Holder)> TakeRecent(long announcedAt)
    {
        var from = announcedAt - (long)(Lookback.TotalSeconds * Stopwatch.Frequency);
        var recent = new List<(BidLockKey, string)>();
        foreach (var entry in _released)
        {
            if (_released.TryRemove(entry) && entry.Value.At >= from)
            {
                recent.Add((entry.Value.Key, entry.Key.Holder));
            }
        }

        return recent;
    }

    private void Prune()
    {
        foreach (var entry in _released)
        {
            if (Stopwatch.GetElapsedTime(entry.Value.At) >= Lookback)
            {
                _released.TryRemove(entry);
            }
        }
    }
}
