namespace BidLocks.Samples.Auction.Bidding;

/// <summary>Places the next bid on a posting. The workers do not know whether a lock is taken: only the service differs.</summary>
public interface IBidService
{
    Task<BidReceipt> PlaceBidAsync(string marketplaceId, Posting posting, CancellationToken cancellationToken);

    /// <summary>A bundle: the next bid on every posting of <paramref name="postings"/>, all while holding all of them.</summary>
    Task<IReadOnlyList<BidReceipt>> PlaceBundleAsync(string marketplaceId, IReadOnlyList<Posting> postings, CancellationToken cancellationToken);
}
