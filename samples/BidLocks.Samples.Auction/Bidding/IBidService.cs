namespace BidLocks.Samples.Auction.Bidding;

/// <summary>Places the next bid on a posting. The workers do not know whether a lock is taken: only the service differs.</summary>
public interface IBidService
{
    Task<BidReceipt> PlaceBidAsync(string marketplaceId, Posting posting, CancellationToken cancellationToken);
}
