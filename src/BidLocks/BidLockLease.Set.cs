using System.Collections.ObjectModel;

namespace BidLocks;

/// <summary>The multi-posting side of a lease: one lease for a set of postings (<see cref="IBidLockManager.AcquireManyAsync"/>).</summary>
public sealed partial class BidLockLease
{
    /// <summary>A lease for a whole set; <paramref name="members"/> are its postings' leases, in lock order, at least one.</summary>
    internal BidLockLease(string marketplaceId, BidLockLease[] members, string holderId)
    {
        _hold = new SetHold(marketplaceId, members, holderId);
    }

    /// <summary>The postings' own leases, in lock order (encoded keys, ordinal); null for a single-posting lease.</summary>
    private BidLockLease[]? Members => (_hold as SetHold)?.Members;

    /// <summary>
    /// Every posting the lease covers, in the order they were locked (their encoded keys, ordinal); one for a
    /// single-posting lease.
    /// </summary>
    public IReadOnlyList<string> PostingIds => Members is { } set
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
            foreach (var member in Members ?? [this])
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
        foreach (var member in Members ?? [this])
        {
            if (string.Equals(member.PostingId, postingId, StringComparison.Ordinal))
            {
                return member.FencingToken;
            }
        }

        throw new ArgumentException($"The lease does not cover posting '{postingId}'.", nameof(postingId));
    }
}
