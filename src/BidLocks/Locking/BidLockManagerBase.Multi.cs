using System.Diagnostics;

namespace BidLocks;

/// <summary>Multi-posting locks: one lease for a set of postings, all or nothing, in one global order.</summary>
public abstract partial class BidLockManagerBase
{
    /// <inheritdoc />
    public ValueTask<BidLockLease> AcquireManyAsync(string marketplaceId, IEnumerable<string> postingIds, BidLockAcquireOptions options, CancellationToken cancellationToken = default)
    {
        // As for one posting, everything up to the first await runs in the caller's own context: the whole set is
        // checked before any I/O, and the re-entry records are made where the caller's flow can see them.
        ThrowIfDisposed();
        var keys = PostingSet.Order(_keyPrefix, marketplaceId, postingIds);
        var timeout = ResolveTimeout(options.Timeout, nameof(options.Timeout));
        var ttl = ResolveTtl(options.Ttl ?? _defaultTtl, nameof(options.Ttl));
        var maxHold = ResolveTtl(options.MaxHold ?? _maxHold, nameof(options.MaxHold));

        // Whether a posting is re-entered (this flow holds it already) is decided when the set reaches it, from the
        // flow as it was before this call: a hold of the flow's may end while the set waits for earlier postings.
        var outerFlow = ReentrantFlow.Top;
        var nodes = ReentrantFlow.PushSet(this, Array.ConvertAll(keys, static key => key.Value));
        var set = new SetRequest(marketplaceId, keys, outerFlow, nodes, timeout, ttl, maxHold, options.SkipFencingToken);
        return AcquireSetAsync(set, cancellationToken);
    }

    /// <summary>
    /// Takes the postings one at a time in lock order, each with what is left of the one timeout. Before it returns,
    /// every posting taken before a wait is confirmed with the backend: one lost meanwhile (expired, force-released,
    /// taken) means the set was not had, so all are given back and the set is tried again within the timeout. On any
    /// failure (timeout, cancellation, backend) the postings taken are released before the exception reaches the caller.
    /// </summary>
    private async ValueTask<BidLockLease> AcquireSetAsync(SetRequest set, CancellationToken cancellationToken)
    {
        using var activity = ActivitySource.StartActivity("bidlock.acquire_many");
        activity?.SetTag("bidlock.backend", Backend);
        activity?.SetTag("bidlock.postings", set.Keys.Length);

        var start = Stopwatch.GetTimestamp();
        var taken = new List<BidLockLease>(set.Keys.Length);
        var whole = CanTakeWhole(set);
        BidLockLease? result = null;
        try
        {
            while (true)
            {
                var holderId = HolderIds.New(_instanceId);
                var confirmUpTo = whole
                    ? await TakeWholeAsync(set, holderId, start, taken, cancellationToken).ConfigureAwait(false)
                    : await TakeEachAsync(set, holderId, start, taken, cancellationToken).ConfigureAwait(false);
                if (await AllStillHeldAsync(taken, confirmUpTo).ConfigureAwait(false))
                {
                    result = new BidLockLease(set.MarketplaceId, [.. taken], FirstNewHolder(taken, holderId));
                    return result;
                }

                // A posting was lost while the set waited for a later one: not had. Start again, if time is left.
                Log.SetMemberLost(_logger, Backend, set.MarketplaceId);
                await ReleaseTakenAsync(taken).ConfigureAwait(false);
                taken.Clear();
                if (Stopwatch.GetElapsedTime(start) >= set.Timeout)
                {
                    throw new BidLockTimeoutException(set.Keys[0].MarketplaceId, set.Keys[0].PostingId, set.Timeout);
                }
            }
        }
        catch (Exception exception)
        {
            activity?.SetStatus(ActivityStatusCode.Error, exception is BidLockTimeoutException ? "timeout" : exception.GetType().Name);
            await ReleaseTakenAsync(taken).ConfigureAwait(false);
            throw;
        }
        finally
        {
            for (var i = 0; i < set.Nodes.Length; i++)
            {
                set.Nodes[i].Complete(result is null ? null : taken[i]);
            }
        }
    }

    /// <summary>
    /// One pass over the set in lock order, adding each posting's lease to <paramref name="taken"/>. Returns how many
    /// of the first postings were taken before the last wait (they must be confirmed; those after it are fresh).
    /// </summary>
    private async ValueTask<int> TakeEachAsync(SetRequest set, string holderId, long start, List<BidLockLease> taken, CancellationToken cancellationToken)
    {
        var confirmUpTo = 0;
        for (var i = 0; i < set.Keys.Length; i++)
        {
            var key = set.Keys[i];
            var remaining = set.Timeout - Stopwatch.GetElapsedTime(start);
            if (ReentrantFlow.Find(this, key.Value, set.OuterFlow) is { } inFlow)
            {
                // The flow holds this posting, or is still taking it in an acquire it started before this one.
                await WaitForOwnFlowAsync(inFlow, key, set.Timeout, remaining, cancellationToken).ConfigureAwait(false);
                if (inFlow.Lease is { IsHeld: true } outer)
                {
                    taken.Add((await Reenter(outer, set.SkipFencingToken, cancellationToken).ConfigureAwait(false))!);
                    continue;
                }

                remaining = set.Timeout - Stopwatch.GetElapsedTime(start);
            }

            var lease = await TakeLeaseAsync(key, holderId, set.Ttl, set.MaxHold, set.SkipFencingToken, remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, cancellationToken).ConfigureAwait(false)
                ?? throw new BidLockTimeoutException(key.MarketplaceId, key.PostingId, set.Timeout);
            if (lease.Renewal!.GrantedAfterWait)
            {
                confirmUpTo = i;
            }

            taken.Add(lease);
        }

        return confirmUpTo;
    }

    /// <summary>Waits (within <paramref name="remaining"/>) for an acquire of the same posting that this flow started earlier.</summary>
    private async ValueTask WaitForOwnFlowAsync(ReentrantFlow.Node inFlow, BidLockKey key, TimeSpan timeout, TimeSpan remaining, CancellationToken cancellationToken)
    {
        if (!inFlow.IsPending)
        {
            return;
        }

        try
        {
            await inFlow.WhenCompleted().WaitAsync(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new BidLockTimeoutException(key.MarketplaceId, key.PostingId, timeout);
        }
    }

    /// <summary>
    /// Confirms with the backend that each of the first <paramref name="count"/> postings is still held (renewing it):
    /// they were taken before the set waited, and may have been lost meanwhile. Re-entered postings are confirmed
    /// through the lease they re-enter.
    /// </summary>
    private static async ValueTask<bool> AllStillHeldAsync(List<BidLockLease> taken, int count)
    {
        for (var i = 0; i < count; i++)
        {
            if (!taken[i].IsHeld || taken[i].HoldingRenewal is not { } renewal || !await renewal.ConfirmHeldAsync().ConfigureAwait(false))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// All or nothing: gives back what a failed set acquire took, the last first. A posting whose release fails
    /// (backend down) is still dropped by its lease, so it is no longer renewed and expires by its TTL.
    /// </summary>
    private static async ValueTask ReleaseTakenAsync(List<BidLockLease> taken)
    {
        for (var i = taken.Count - 1; i >= 0; i--)
        {
            await taken[i].DisposeAsync().ConfigureAwait(false);
        }
    }

    // The set's holder is the one its new postings were taken under; a set made only of re-entered postings has none
    // of its own, and reports its first posting's.
    private static string FirstNewHolder(List<BidLockLease> taken, string holderId)
        => taken.Exists(lease => lease.HolderId == holderId) ? holderId : taken[0].HolderId;

    private sealed record SetRequest(
        string MarketplaceId,
        BidLockKey[] Keys,
        ReentrantFlow.Node? OuterFlow,
        ReentrantFlow.Node[] Nodes,
        TimeSpan Timeout,
        TimeSpan Ttl,
        TimeSpan MaxHold,
        bool SkipFencingToken);
}
