namespace BidLocks;

/// <summary>
/// The postings of a multi-posting lease (<see cref="IBidLockManager.AcquireManyAsync"/>): each posting's own lease, in
/// lock order (encoded keys, ordinal), at least one. The set is held while every posting is, and lost once any is.
/// </summary>
internal sealed class SetHold(string marketplaceId, BidLockLease[] members, string holderId) : ILeaseHold
{
    private CancellationTokenSource? _anyLost;

    public BidLockLease[] Members => members;

    public string MarketplaceId => marketplaceId;

    /// <summary>The first posting's, in lock order.</summary>
    public string PostingId => members[0].PostingId;

    public string HolderId => holderId;

    /// <summary>The first posting's: the one <see cref="BidLockLease.PostingId"/> names.</summary>
    public long FencingToken => members[0].FencingToken;

    /// <summary>The earliest of the postings'.</summary>
    public DateTimeOffset ExpiresAt
    {
        get
        {
            var earliest = members[0].ExpiresAt;
            for (var i = 1; i < members.Length; i++)
            {
                earliest = members[i].ExpiresAt < earliest ? members[i].ExpiresAt : earliest;
            }

            return earliest;
        }
    }

    public CancellationToken LostToken
    {
        get
        {
            // Made on first use, like a single lease's: linked to every posting's token, so it fires with the first loss.
            var source = Volatile.Read(ref _anyLost);
            if (source is null)
            {
                var created = CancellationTokenSource.CreateLinkedTokenSource(Array.ConvertAll(members, static member => member.LostToken));
                source = Interlocked.CompareExchange(ref _anyLost, created, null) ?? created;
                if (source != created)
                {
                    created.Dispose();
                }
            }

            return source.Token;
        }
    }

    public bool IsLost => members.Any(static member => member.IsLost);

    public bool IsHeld => members.All(static member => member.IsHeld);

    public LeaseRenewal? HoldingRenewal => null;

    /// <summary>
    /// Releases every posting, the last taken first; a backend failure on one does not keep the others held. True when
    /// each was released by this call. The releases are all sent before the first answer is awaited: on Redis they go
    /// out back to back on one connection, in that order, so a set's release costs one round trip, not one per posting.
    /// </summary>
    public async ValueTask<bool> ReleaseAsync()
    {
        var releases = new ValueTask<bool>[members.Length];
        for (var i = members.Length - 1; i >= 0; i--)
        {
            releases[i] = Send(members[i]);
        }

        var all = true;
        BidLockUnavailableException? failure = null;
        for (var i = members.Length - 1; i >= 0; i--)
        {
            try
            {
                all &= await releases[i].ConfigureAwait(false);
            }
            catch (BidLockUnavailableException exception)
            {
                // That posting expires by its TTL; the rest are still released now.
                all = false;
                failure ??= exception;
            }
        }

        return failure is null ? all : throw failure;
    }

    // A failure thrown before the release was sent is kept in its task, so that the other postings are still released.
    private static ValueTask<bool> Send(BidLockLease member)
    {
        try
        {
            return member.ReleaseAsync();
        }
        catch (BidLockUnavailableException exception)
        {
            return ValueTask.FromException<bool>(exception);
        }
    }
}
