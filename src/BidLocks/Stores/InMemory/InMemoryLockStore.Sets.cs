namespace BidLocks;

/// <summary>
/// Sets taken whole, under the store's one lock. A set that finds a key held reserves it (in lock order, see
/// <see cref="TryAcquireSetAsync"/>): once that hold ends, only the set may take the key (a single waiter sees it
/// busy), so a stream of single-key holds cannot starve a set. Keys the set finds free are not reserved and stay free
/// for others while the set waits.
/// </summary>
internal sealed partial class InMemoryLockStore
{
    /// <summary>How long a reservation lasts without the set trying again; a waiting set tries at least every second.</summary>
    private static readonly TimeSpan ReservationTtl = TimeSpan.FromSeconds(3);

    private readonly Dictionary<string, Reservation> _reserved = new(StringComparer.Ordinal);

    public bool TakesSetsWhole => true;

    // SetsLookBeforeWaitingInLine stays false, so every set here waits in line from its first try (waitInLine is always
    // true): single waiters stand only in the manager's own line, not in a queue of the store that a release is handed
    // over to, so a set that only looked could take a posting ahead of a single bid that had waited for it.
    public ValueTask<SetAttempt> TryAcquireSetAsync(BidLockKey[] keys, string holderId, TimeSpan ttl, bool skipFencingToken, bool waitInLine, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var now = LeaseClock.Read(_time);
        lock (_holds)
        {
            TimeSpan? retryAfter = null;
            var firstBusy = -1;
            for (var i = 0; i < keys.Length; i++)
            {
                if (BusyFor(keys[i].Value, holderId, now) is { } left)
                {
                    retryAfter = retryAfter is { } earlier && earlier < left ? earlier : left;
                    firstBusy = firstBusy < 0 ? i : firstBusy;
                }
            }

            if (retryAfter is { } wait)
            {
                // None taken. The set reserves keys in lock order only, like holds in ordered taking (else two sets
                // could each keep what the other waits for): up to and including the first key busy for it (held, unless
                // another set reserved it first); above that key, it gives its reservations up.
                var inOrder = true;
                foreach (var key in keys)
                {
                    var reserved = _reserved.TryGetValue(key.Value, out var reservation) && reservation.IsLive(now);
                    var mine = reserved && reservation.HolderId == holderId;
                    if (inOrder && (mine || (!reserved && _holds.TryGetValue(key.Value, out var hold) && hold.IsLive(now))))
                    {
                        _reserved[key.Value] = new Reservation(holderId, now.Monotonic + ReservationTtl);
                    }
                    else if (mine)
                    {
                        _reserved.Remove(key.Value);
                    }

                    inOrder &= BusyFor(key.Value, holderId, now) is null;
                }

                return new(SetAttempt.Busy(wait, firstBusy));
            }

            var expiry = now.Plus(ttl);
            var fences = new long[keys.Length];
            for (var i = 0; i < keys.Length; i++)
            {
                _reserved.Remove(keys[i].Value);
                var hold = _holds.TryGetValue(keys[i].Value, out var held) && held.HolderId == holderId && held.IsLive(now)
                    ? held with { Expiry = expiry }
                    : new Hold(holderId, expiry, ++_lastFence, now.Wall, holderId);
                _holds[keys[i].Value] = hold;
                fences[i] = hold.Fence;
            }

            return new(SetAttempt.Success(fences, expiry));
        }
    }

    /// <summary>How long <paramref name="key"/> stays busy for <paramref name="holderId"/>: held, or reserved for another set; null when it may be taken. Under the lock.</summary>
    private TimeSpan? BusyFor(string key, string holderId, LeaseClock now)
    {
        if (_holds.TryGetValue(key, out var hold) && hold.IsLive(now) && hold.HolderId != holderId)
        {
            return hold.Expiry.Deadline - now.Monotonic;
        }

        return ReservedForAnother(key, holderId, now);
    }

    /// <summary>How long a live reservation of <paramref name="key"/> for another holder lasts; null when there is none. Under the lock.</summary>
    private TimeSpan? ReservedForAnother(string key, string holderId, LeaseClock now)
    {
        if (!_reserved.TryGetValue(key, out var reservation))
        {
            return null;
        }

        if (!reservation.IsLive(now))
        {
            _reserved.Remove(key);
            return null;
        }

        return reservation.HolderId == holderId ? null : reservation.Deadline - now.Monotonic;
    }

    /// <summary>A key reserved for a waiting set, until <paramref name="Deadline"/> (monotonic) unless the set tries again.</summary>
    private readonly record struct Reservation(string HolderId, TimeSpan Deadline)
    {
        public bool IsLive(LeaseClock now) => Deadline > now.Monotonic;
    }
}
