namespace BidLocks;

/// <summary>
/// Sets taken whole on SQLite: every member in one write transaction, all or none. A set that cannot have them all
/// joins the queue of each member held by another (or with another waiter first), in the same table single waiters
/// queue in, and leaves the free members alone.
/// </summary>
internal sealed partial class SqliteLockStore
{
    public bool TakesSetsWhole => true;

    public ValueTask<SetAttempt> TryAcquireSetAsync(BidLockKey[] keys, string holderId, TimeSpan ttl, bool fence, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        foreach (var key in keys)
        {
            if (_retiredHolds is not null && RetiredHoldLeft(key.Value, holderId) is { } retiredLeft)
            {
                return new(SetBusy(retiredLeft));
            }
        }

        var request = new SetRequest(Array.ConvertAll(keys, static key => key.Value), holderId, Milliseconds(ttl), _time);
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
                // None taken: a place in the queue of each busy member, and the places already had kept fresh.
                var deadline = now + (long)WaiterTtl.TotalMilliseconds;
                for (var i = 0; i < request.Keys.Length; i++)
                {
                    if (busy[i] || session.SelectOwnDeadline(request.Keys[i], request.Holder) is not null)
                    {
                        session.JoinQueue(request.Keys[i], request.Holder, deadline);
                    }
                }

                return (Fences: (long[]?)null, RetryAfterMs: wait, Expiry: default(LeaseExpiry));
            }

            var fences = new long[request.Keys.Length];
            for (var i = 0; i < request.Keys.Length; i++)
            {
                var state = new AcquireState(request.Keys[i], request.Holder, now, expiresAt, UnixMicroseconds(clock.Wall));
                fences[i] = AcquireStep(session, state).Fence;
            }

            return (Fences: fences, RetryAfterMs: 0L, Expiry: clock.Until(DateTimeOffset.FromUnixTimeMilliseconds(expiresAt)));
        }, grantedWhen: static outcome => outcome.Fences is not null);
        return new(outcome.Fences is { } taken ? SetAttempt.Success(taken, outcome.Expiry) : SetBusy(outcome.RetryAfterMs));
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

    private SetAttempt SetBusy(long retryAfterMs)
    {
        var longest = Volatile.Read(ref _watch) is null ? LongestSleepWithoutHints : LongestSleepWithHints;
        return SetAttempt.Busy(TimeSpan.FromMilliseconds(Math.Clamp(retryAfterMs, 0, (long)longest.TotalMilliseconds)));
    }

    private readonly record struct SetRequest(string[] Keys, string Holder, long TtlMs, TimeProvider Time);
}
