using System.Collections.ObjectModel;

namespace BidLocks;

/// <summary>The multi-posting side of a lease: one lease for a set of postings (<see cref="IBidLockManager.AcquireManyAsync"/>).</summary>
public sealed partial class BidLockLease
{
    // The postings' own leases, in lock order (encoded keys, ordinal); null for a single-posting lease.
    private readonly BidLockLease[]? _members;
    private CancellationTokenSource? _anyLost;

    /// <summary>A lease for a whole set; <paramref name="members"/> are its postings' leases, in lock order, at least one.</summary>
    internal BidLockLease(string marketplaceId, BidLockLease[] members, string holderId)
    {
        _members = members;
        MarketplaceId = marketplaceId;
        PostingId = members[0].PostingId;
        HolderId = holderId;
    }

    /// <summary>
    /// Every posting the lease covers, in the order they were locked (their encoded keys, ordinal); one for a
    /// single-posting lease.
    /// </summary>
    public IReadOnlyList<string> PostingIds => _members is { } set
        ? Array.ConvertAll(set, static member => member.PostingId)
        : [PostingId];

    /// <summary>
    /// Each posting's fencing token (see <see cref="FencingToken"/>): a multi-posting lock is one lock per posting, and
    /// each posting's resource must be given that posting's token.
    /// </summary>
    public IReadOnlyDictionary<string, long> FencingTokens
    {
        get
        {
            var tokens = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var member in _members ?? [this])
            {
                tokens[member.PostingId] = member.FencingToken;
            }

            return new ReadOnlyDictionary<string, long>(tokens);
        }
    }

    /// <summary>The fencing token of <paramref name="postingId"/>, one of <see cref="PostingIds"/>.</summary>
    /// <exception cref="ArgumentException">The lease does not cover <paramref name="postingId"/>.</exception>
    public long GetFencingToken(string postingId)
    {
        foreach (var member in _members ?? [this])
        {
            if (string.Equals(member.PostingId, postingId, StringComparison.Ordinal))
            {
                return member.FencingToken;
            }
        }

        throw new ArgumentException($"The lease does not cover posting '{postingId}'.", nameof(postingId));
    }

    private static DateTimeOffset EarliestExpiry(BidLockLease[] set)
    {
        var earliest = set[0].ExpiresAt;
        for (var i = 1; i < set.Length; i++)
        {
            earliest = set[i].ExpiresAt < earliest ? set[i].ExpiresAt : earliest;
        }

        return earliest;
    }

    private CancellationToken SetLostToken(BidLockLease[] set)
    {
        // Made on first use, like a single lease's: linked to every posting's token, so it fires with the first loss.
        var source = Volatile.Read(ref _anyLost);
        if (source is null)
        {
            var created = CancellationTokenSource.CreateLinkedTokenSource(Array.ConvertAll(set, static member => member.LostToken));
            source = Interlocked.CompareExchange(ref _anyLost, created, null) ?? created;
            if (source != created)
            {
                created.Dispose();
            }
        }

        return source.Token;
    }

    /// <summary>
    /// Releases every posting, the last taken first; a backend failure on one does not keep the others held. True when
    /// each was released by this call.
    /// </summary>
    private async ValueTask<bool> ReleaseSetAsync(BidLockLease[] set)
    {
        var all = true;
        BidLockUnavailableException? failure = null;
        for (var i = set.Length - 1; i >= 0; i--)
        {
            try
            {
                all &= await set[i].ReleaseAsync().ConfigureAwait(false);
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
}
