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

        // Postings this flow already holds are re-entered (they cannot deadlock with their own holder); the others
        // get a re-entry record each, in lock order.
        var held = new BidLockLease?[keys.Length];
        var toTake = new List<string>(keys.Length);
        for (var i = 0; i < keys.Length; i++)
        {
            held[i] = ReentrantFlow.FindHeld(this, keys[i].Value);
            if (held[i] is null)
            {
                toTake.Add(keys[i].Value);
            }
        }

        var nodes = ReentrantFlow.PushSet(this, toTake);
        var set = new SetRequest(marketplaceId, keys, held, nodes, timeout, ttl, maxHold, !options.SkipFencingToken);
        return AcquireSetAsync(set, cancellationToken);
    }

    /// <summary>
    /// Takes the postings one at a time in lock order, each with what is left of the one timeout, and on any failure
    /// (timeout, cancellation, backend) releases those already taken before the exception reaches the caller.
    /// </summary>
    private async ValueTask<BidLockLease> AcquireSetAsync(SetRequest set, CancellationToken cancellationToken)
    {
        using var activity = ActivitySource.StartActivity("bidlock.acquire_many");
        activity?.SetTag("bidlock.backend", Backend);
        activity?.SetTag("bidlock.postings", set.Keys.Length);

        var start = Stopwatch.GetTimestamp();
        var holderId = HolderIds.New(_instanceId);
        var taken = new List<BidLockLease>(set.Keys.Length);
        var nextNode = 0;
        try
        {
            for (var i = 0; i < set.Keys.Length; i++)
            {
                if (set.Held[i] is { } outer)
                {
                    taken.Add(await ReenterMemberAsync(outer, set.Fence, cancellationToken).ConfigureAwait(false));
                    continue;
                }

                var key = set.Keys[i];
                var remaining = set.Timeout - Stopwatch.GetElapsedTime(start);
                var lease = await TakeMemberAsync(key, holderId, set, remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, cancellationToken).ConfigureAwait(false)
                    ?? throw new BidLockTimeoutException(key.MarketplaceId, key.PostingId, set.Timeout);
                set.Nodes[nextNode++].Lease = lease;
                taken.Add(lease);
            }
        }
        catch (Exception exception)
        {
            activity?.SetStatus(ActivityStatusCode.Error, exception is BidLockTimeoutException ? "timeout" : exception.GetType().Name);
            await ReleaseTakenAsync(taken).ConfigureAwait(false);
            throw;
        }

        return new BidLockLease(set.MarketplaceId, [.. taken], FirstNewHolder(taken, holderId));
    }

    private ValueTask<BidLockLease> ReenterMemberAsync(BidLockLease outer, bool fence, CancellationToken cancellationToken)
    {
        _metrics.Attempt();
        _metrics.Reentry();
        _metrics.Success(Stopwatch.GetTimestamp());
        return fence && outer.Renewal is { FencingToken: 0 } unfenced
            ? ReenterWithFenceAsync(outer, unfenced, cancellationToken)!
            : new ValueTask<BidLockLease>(outer.Reenter());
    }

    /// <summary>One posting of the set, as a single acquire takes it but under the set's holder id; null on timeout.</summary>
    private async ValueTask<BidLockLease?> TakeMemberAsync(BidLockKey key, string holderId, SetRequest set, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var firstTtl = set.Ttl < set.MaxHold ? set.Ttl : set.MaxHold;
        var attempt = await WaitForLockAsync(key, holderId, attemptId: null, firstTtl, set.Fence, timeout, cancellationToken).ConfigureAwait(false);
        if (!attempt.Acquired)
        {
            return null;
        }

        var renewal = new LeaseRenewal(this, key, holderId, attempt.FencingToken, attempt.Expiry, set.Ttl, set.MaxHold);
        var lease = new BidLockLease(renewal);
        renewal.Start();
        return lease;
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
        BidLockLease?[] Held,
        ReentrantFlow.Node[] Nodes,
        TimeSpan Timeout,
        TimeSpan Ttl,
        TimeSpan MaxHold,
        bool Fence);
}
