using System.Diagnostics;

namespace BidLocks;

/// <summary>
/// Multi-posting locks taken whole: on a store that can (<see cref="ILockStore.TakesSetsWhole"/>), each group of a
/// set's postings is taken in one atomic step, all or none, instead of one posting at a time. A set that must wait then
/// holds nothing: it waits for all its busy postings at once, and the free ones stay free for others meanwhile.
/// </summary>
public abstract partial class BidLockManagerBase
{
    /// <summary>
    /// True when the set can be taken whole: the store can, and no posting of it is held (or being taken) by this flow,
    /// which a re-entry must join rather than wait for.
    /// </summary>
    private bool CanTakeWhole(SetRequest set)
    {
        if (!_store.TakesSetsWhole)
        {
            return false;
        }

        foreach (var key in set.Keys)
        {
            if (ReentrantFlow.Find(this, key.Value, set.OuterFlow) is not null)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Takes the set one group after another (<see cref="ILockStore.SetGroup"/>: one group outside a cluster), each whole,
    /// adding the leases to <paramref name="taken"/> and leaving them in lock order. Returns how many of them must be
    /// confirmed as still held: all, when a later group had to wait (an earlier group's holds may have been lost
    /// meanwhile), otherwise none.
    /// </summary>
    private async ValueTask<int> TakeWholeAsync(SetRequest set, string holderId, long start, List<BidLockLease> taken, CancellationToken cancellationToken)
    {
        var groups = GroupsOf(set.Keys);
        var waitedAfterFirst = false;
        for (var g = 0; g < groups.Count; g++)
        {
            var waited = await TakeGroupAsync(set, groups[g], holderId, start, taken, cancellationToken).ConfigureAwait(false);
            waitedAfterFirst |= waited && g > 0;
        }

        if (groups.Count > 1)
        {
            taken.Sort(static (a, b) => string.CompareOrdinal(a.Renewal!.Key.Value, b.Renewal!.Key.Value));
        }

        return waitedAfterFirst ? taken.Count : 0;
    }

    /// <summary>The keys by <see cref="ILockStore.SetGroup"/>, groups in ascending order, keys in lock order inside each.</summary>
    private List<BidLockKey[]> GroupsOf(BidLockKey[] keys)
    {
        var first = _store.SetGroup(keys[0]);
        if (Array.TrueForAll(keys, key => _store.SetGroup(key) == first))
        {
            return [keys];
        }

        return [.. keys.GroupBy(_store.SetGroup).OrderBy(group => group.Key).Select(group => group.ToArray())];
    }

    /// <summary>
    /// How many times a set looks for its group before it waits in line, where the store lets it
    /// (<see cref="ILockStore.SetsLookBeforeWaitingInLine"/>). A set that only looks keeps no posting from anyone: a
    /// posting released while it waits for another goes to whoever can use it now, not to the set, which would keep
    /// it unused. Waiting in line from the first look, the demo's bundles used 48 % of their postings even in a model
    /// with a lock that costs nothing; looking first, 72 % (tests/BidLocks.Benchmarks/posting-use-ceiling.py). Looking
    /// alone can starve a set among single bids, so after these looks it waits in line, and its wait is bounded. A look
    /// ends on the first release of one of the set's postings it hears of, or after <see cref="LookPause"/> at the
    /// latest, so the looks together last at most this many pauses (docs/multi-posting.md). 64:
    /// the demo's bundles used 61-62 % of their postings with it, 45-53 % with 16 or 32, 61 % with 128.
    /// </summary>
    internal const int SetLooksBeforeWaitingInLine = 64;

    /// <summary>
    /// The longest pause of a set that only looks. The releases it waits for are announced to it (Redis) or hinted
    /// (SQLite), so the pause only covers one it cannot hear of: a posting reserved for another's queue, or released
    /// by a process of an older version. It does not grow while the set looks.
    /// </summary>
    internal static readonly TimeSpan LookPause = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Takes one group whole: tries the store's atomic step until it grants every key or the set's timeout passes,
    /// waking on a release of any key of the group, otherwise backing off as a single waiter does. Its first
    /// <see cref="SetLooksBeforeWaitingInLine"/> tries only look, where the store allows; then it waits in line. True
    /// when it had to wait. Leaving without the group, it gives up the places the tries left in the backend's queues.
    /// </summary>
    private async ValueTask<bool> TakeGroupAsync(SetRequest set, BidLockKey[] keys, string holderId, long start, List<BidLockLease> taken, CancellationToken cancellationToken)
    {
        _metrics.Attempt();
        var firstTtl = set.Ttl < set.MaxHold ? set.Ttl : set.MaxHold;
        var watches = Array.ConvertAll(keys, key => _queues.Watch(key.Value));
        var seen = new long[keys.Length];
        var backoff = _store.FirstRetryDelay;
        var waited = false;
        var granted = false;
        var failed = false;
        var looks = _store.SetsLookBeforeWaitingInLine ? 0 : SetLooksBeforeWaitingInLine;
        LocalWaitQueues.Queue? turn = null;
        BeginCall();
        try
        {
            while (true)
            {
                ThrowIfDisposed();
                for (var i = 0; i < keys.Length; i++)
                {
                    seen[i] = watches[i].Released.Generation;
                }

                var waitInLine = ++looks > SetLooksBeforeWaitingInLine;
                SetAttempt attempt;
                try
                {
                    attempt = await _store.TryAcquireSetAsync(keys, holderId, firstTtl, set.SkipFencingToken, waitInLine, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception exception) when (IsBackendFailure(exception, cancellationToken))
                {
                    failed = true;
                    throw BackendFailure("acquire", keys[0].Value, exception);
                }

                if (attempt.Acquired && Volatile.Read(ref _verification) is not null)
                {
                    // The backend's holds are in doubt: an older lease here on one of these keys may not know yet that it lost it.
                    foreach (var key in keys)
                    {
                        await AwaitSettledAsync(key, holderId, cancellationToken).ConfigureAwait(false);
                    }
                }

                if (attempt.Acquired && attempt.Expiry.Remaining(_time) > TimeSpan.Zero)
                {
                    granted = true;
                    _metrics.Success(start);
                    await StartGroupLeasesAsync(set, keys, holderId, attempt, waited, taken).ConfigureAwait(false);
                    return waited;
                }

                if (attempt.Acquired)
                {
                    // The step took longer than the TTL: the holds it granted have run out already. Give them back, try again.
                    Log.AcquiredExpired(_logger, Backend, keys[0].Value);
                    await AbandonGroupAsync(keys, holderId).ConfigureAwait(false);
                }

                if (!waited)
                {
                    waited = true;
                    _metrics.Conflict();
                }

                var busy = keys[attempt.Acquired ? 0 : attempt.BusyIndex];

                var remaining = set.Timeout - Stopwatch.GetElapsedTime(start);
                if (remaining <= TimeSpan.Zero)
                {
                    throw TimedOut(set, busy);
                }

                // Only looking, the set stands in no queue here either: this process's single bids on its first
                // posting need not wait behind it.
                if (turn is null && waitInLine)
                {
                    turn = await _queues.EnterAsync(keys[0].Value, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
                    if (turn is null)
                    {
                        turn = await WaitForLocalTurnAsync(set, keys, holderId, remaining, cancellationToken).ConfigureAwait(false);

                        // It queued behind this process's other waiters for the first key, holding no place: look again at once.
                        continue;
                    }
                }

                var wait = Min(remaining, Jitter(waitInLine ? backoff : LookPause));
                if (attempt.RetryAfter is { } untilFree && untilFree < wait)
                {
                    wait = untilFree > TimeSpan.Zero ? untilFree : TimeSpan.FromMilliseconds(1);
                }

                var releases = new Task[keys.Length];
                for (var i = 0; i < keys.Length; i++)
                {
                    releases[i] = watches[i].Released.WaitAsync(seen[i]);
                }

                await WaitForReleaseAsync(Task.WhenAny(releases), wait, cancellationToken).ConfigureAwait(false);

                if (waitInLine)
                {
                    backoff = Min(backoff + backoff, LastBackoff);
                }
            }
        }
        finally
        {
            if (turn is not null)
            {
                _queues.Exit(turn);
            }

            foreach (var watch in watches)
            {
                _queues.Unwatch(watch);
            }

            if (!granted)
            {
                // Leaving without the group (timeout, cancellation, failure): its places in the backend's queues and
                // any reservation they earned go to the next waiters now, not when they lapse. After a backend failure
                // the caller does not wait on the backend a second time to learn why.
                if (failed)
                {
                    _ = Task.Run(() => AbandonGroupAsync(keys, holderId).AsTask());
                }
                else
                {
                    await AbandonGroupAsync(keys, holderId).ConfigureAwait(false);
                }
            }

            EndCall();
        }
    }

    /// <summary>
    /// A set that waits in line takes this process's turn at its first key, as a single waiter does, and keeps it until
    /// it has the group or gives up: so a process sends the backend one waiter per key, not one per call (without the
    /// turn every waiting set of a process stood in the backend's queues and retried on every release, a herd that
    /// starved the sets: docs/reliability.md). When someone of this process is ahead (the caller tried to take it at
    /// once), the set first gives up its places in the backend's queues (a place that reached the head while the set
    /// waits here would stall the key for whoever is ahead of it here), then waits for the turn within what is left of
    /// its timeout.
    /// </summary>
    private async ValueTask<LocalWaitQueues.Queue> WaitForLocalTurnAsync(SetRequest set, BidLockKey[] keys, string holderId, TimeSpan remaining, CancellationToken cancellationToken)
    {
        await AbandonGroupAsync(keys, holderId).ConfigureAwait(false);
        return await _queues.EnterAsync(keys[0].Value, remaining, cancellationToken).ConfigureAwait(false)
            ?? throw TimedOut(set, keys[0]);
    }

    private BidLockTimeoutException TimedOut(SetRequest set, BidLockKey busy)
    {
        _metrics.Timeout();
        Log.AcquireTimedOut(_logger, Backend, busy.Value, set.Timeout);
        return new BidLockTimeoutException(busy.MarketplaceId, busy.PostingId, set.Timeout);
    }

    /// <summary>Starts renewing each hold of a granted group; a grant that arrives once the manager is being disposed is given back.</summary>
    private async ValueTask StartGroupLeasesAsync(SetRequest set, BidLockKey[] keys, string holderId, SetAttempt attempt, bool waited, List<BidLockLease> taken)
    {
        for (var i = 0; i < keys.Length; i++)
        {
            var renewal = new LeaseRenewal(this, keys[i], holderId, attempt.FencingTokens![i], attempt.Expiry, set.Ttl, set.MaxHold) { GrantedAfterWait = waited };
            if (!renewal.Start())
            {
                // Disposal closed the renewals (for every key of the group alike): give back what was not started.
                for (var j = i; j < keys.Length - 1; j++)
                {
                    await ReleaseGrantQuietlyAsync(keys[j], holderId).ConfigureAwait(false);
                }

                await GiveBackAfterDisposalAsync(keys[^1], holderId).ConfigureAwait(false);
            }

            taken.Add(new BidLockLease(renewal));
        }
    }

    private async ValueTask ReleaseGrantQuietlyAsync(BidLockKey key, string holderId)
    {
        try
        {
            await _store.ReleaseAsync(key, holderId, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception) when (IsBackendFailure(exception, CancellationToken.None))
        {
            Log.DisposeReleaseFailed(_logger, Backend, key.Value, exception);
        }
    }

    private async ValueTask AbandonGroupAsync(BidLockKey[] keys, string holderId)
    {
        for (var i = keys.Length - 1; i >= 0; i--)
        {
            await _store.AbandonAsync(keys[i], holderId, attemptId: null).ConfigureAwait(false);

            // A reservation the set gave up frees the key for this process's own waiters too.
            _queues.NotifyReleased(keys[i].Value);
        }
    }
}
