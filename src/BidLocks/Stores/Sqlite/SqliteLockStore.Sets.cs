namespace BidLocks;

/// <summary>
/// Sets taken whole on SQLite: every member in one write transaction, all or none. A set that cannot have them all
/// either only looks (it asks to hear of its busy members' releases, and keeps nobody off anything) or joins the
/// queue of its first busy member (held by another, or another waiter first), in the same table single waiters queue
/// in, and leaves the free members alone.
/// </summary>
internal sealed partial class SqliteLockStore
{
    // How long a set that only looks asks to hear of a key's release: a few of its pauses, so the row is renewed by its
    // next look before it lapses, and gone soon after the set got its postings or gave up.
    private static readonly TimeSpan WatchFor = TimeSpan.FromMilliseconds(250);

    public bool TakesSetsWhole => true;

    /// <summary>
    /// A set that only looks writes a watcher row for each key it found busy, and a release of a watched key writes
    /// the hint file as for a queued waiter: the set hears of it though it stands in no queue.
    /// </summary>
    public bool SetsLookBeforeWaitingInLine => true;

    public ValueTask<SetAttempt> TryAcquireSetAsync(BidLockKey[] keys, string holderId, TimeSpan ttl, bool skipFencingToken, bool waitInLine, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        foreach (var key in keys)
        {
            if (_retiredHolds is not null && RetiredHoldLeft(key.Value, holderId) is { } retiredLeft)
            {
                return new(SetBusy(retiredLeft, Array.IndexOf(keys, key)));
            }
        }

        var request = new SetRequest(Array.ConvertAll(keys, static key => key.Value), holderId, Milliseconds(ttl), waitInLine, _time);
        var outcome = Write("acquire", request, static (session, request) =>
        {
            var clock = LeaseClock.Read(request.Time);
            var now = UnixMilliseconds(clock.Wall);
            var expiresAt = now + request.TtlMs;
            var busy = new bool[request.Keys.Length];
            long? retryAfter = null;
            for (var i = 0; i < request.Keys.Length; i++)
            {
                if (BusyFor(session, request.Keys[i], request.Holder, now) is { } left)
                {
                    busy[i] = true;
                    retryAfter = retryAfter < left ? retryAfter : left;
                }
            }

            if (retryAfter is { } wait)
            {
                // None taken.
                var gaveUp = false;
                if (request.WaitInLine)
                {
                    gaveUp = QueueInLockOrder(session, request, busy, now);
                }
                else
                {
                    WatchBusyKeys(session, request, busy, now);
                }

                return (Fences: (long[]?)null, RetryAfterMs: wait, Expiry: default(LeaseExpiry), BusyIndex: Array.IndexOf(busy, true), GaveUp: gaveUp);
            }

            var fences = new long[request.Keys.Length];
            for (var i = 0; i < request.Keys.Length; i++)
            {
                var state = new AcquireState(request.Keys[i], request.Holder, now, expiresAt, UnixMicroseconds(clock.Wall));
                fences[i] = AcquireStep(session, state).Fence;
            }

            return (Fences: fences, RetryAfterMs: 0L, Expiry: clock.Until(DateTimeOffset.FromUnixTimeMilliseconds(expiresAt)), BusyIndex: 0, GaveUp: false);
        }, grantedWhen: static outcome => outcome.Fences is not null);
        if (outcome.GaveUp)
        {
            // After the commit: the waiter now first on a member this set gave up may take it.
            _releaseSignal.Signal();
        }

        return new(outcome.Fences is { } taken ? SetAttempt.Success(taken, outcome.Expiry) : SetBusy(outcome.RetryAfterMs, outcome.BusyIndex));
    }

    /// <summary>
    /// The set queues on its first busy member in lock order only, and keeps a place on a member only while every member
    /// below it is free for it; a place above the first busy member is given up. Like holds in ordered taking, a set so
    /// keeps nothing above what it waits for: no two sets can each keep what the other waits for, and no set stands
    /// first on a member it cannot use. True when it gave up a place.
    /// </summary>
    private static bool QueueInLockOrder(SqliteSession session, SetRequest request, bool[] busy, long now)
    {
        var deadline = now + (long)WaiterTtl.TotalMilliseconds;
        var inOrder = true;
        var gaveUp = false;
        for (var i = 0; i < request.Keys.Length; i++)
        {
            var queued = session.SelectOwnDeadline(request.Keys[i], request.Holder) is not null;
            if (inOrder && (busy[i] || queued))
            {
                session.JoinQueue(request.Keys[i], request.Holder, deadline);
            }
            else if (queued)
            {
                session.LeaveQueue(request.Keys[i], request.Holder, now);
                gaveUp = true;
            }

            inOrder &= !busy[i];
        }

        return gaveUp;
    }

    /// <summary>A set that only looks takes no place anywhere, and asks to hear of its busy members' releases.</summary>
    private static void WatchBusyKeys(SqliteSession session, SetRequest request, bool[] busy, long now)
    {
        for (var i = 0; i < request.Keys.Length; i++)
        {
            if (busy[i])
            {
                session.Watch(request.Keys[i], now + (long)WatchFor.TotalMilliseconds);
            }
        }
    }

    /// <summary>How long a member stays busy for the holder (held by another, or another waiter first); null when it may be taken.</summary>
    private static long? BusyFor(SqliteSession session, string key, string holder, long now)
    {
        if (session.SelectHold(key) is { } hold && hold.ExpiresAt > now)
        {
            return hold.Holder == holder ? null : hold.ExpiresAt - now;
        }

        return LiveHead(session, key, now) is { } head && head.Holder != holder ? head.Deadline - now : null;
    }

    private SetAttempt SetBusy(long retryAfterMs, int busyIndex)
    {
        var longest = Volatile.Read(ref _watch) is null ? LongestSleepWithoutHints : LongestSleepWithHints;
        return SetAttempt.Busy(TimeSpan.FromMilliseconds(Math.Clamp(retryAfterMs, 0, (long)longest.TotalMilliseconds)), busyIndex);
    }

    private readonly record struct SetRequest(string[] Keys, string Holder, long TtlMs, bool WaitInLine, TimeProvider Time);
}
