using System.Collections.Concurrent;

namespace BidLocks;

/// <summary>
/// Holds granted after a wait (by the queued script, or by a set's script): others were queued for the key then, and
/// most likely still are when the hold is released. Such a release goes straight to the hand-over script, one round
/// trip, instead of the plain compare-and-delete that finds the waiters and sends the hand-over after it (two).
/// Only a hint: a hold not found here is released the usual way, and one found here with nobody waiting any more is
/// simply deleted by the hand-over script. Uncontended holds never come here, so their release reads one counter.
/// </summary>
internal sealed class RedisContendedHolds
{
    // Far beyond the holds one process has at once; past it (releases that never came: a crash of the caller's flow,
    // a disposal) the hints are dropped, which costs only a round trip on those releases.
    private const int Limit = 10_000;
    private readonly ConcurrentDictionary<(string Key, string Holder), byte> _holds = new();
    private int _count;

    public void Note(string key, string holderId)
    {
        if (Volatile.Read(ref _count) >= Limit)
        {
            _holds.Clear();
            Volatile.Write(ref _count, 0);
        }

        if (_holds.TryAdd((key, holderId), 0))
        {
            Interlocked.Increment(ref _count);
        }
    }

    /// <summary>True when the hold was granted after a wait; forgets it.</summary>
    public bool Forget(string key, string holderId)
    {
        if (Volatile.Read(ref _count) == 0 || !_holds.TryRemove((key, holderId), out _))
        {
            return false;
        }

        Interlocked.Decrement(ref _count);
        return true;
    }
}
