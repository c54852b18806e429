using BidLocks;

namespace BidLocks.Samples.WebApi.Bidding;

/// <summary>Places bids, one at a time per posting across every instance of the app.</summary>
public partial class BidService(IBidLockManager locks, Marketplace marketplace, IConfiguration configuration, ILogger<BidService> logger)
{
    /// <summary>The marketplace this app bids on (<c>Sample:Marketplace</c>, default <c>ebay</c>).</summary>
    public string MarketplaceId { get; } = configuration["Sample:Marketplace"] ?? "ebay";

    // The generator writes this method: it takes the lock on (marketplaceId, postingId) through `locks`, calls the
    // Core with the lease, and releases the lock on every path. The attribute names no timing, so the manager's options
    // decide it: a wait longer than BidLocks:DefaultTimeout (appsettings.json) is a 409 (BidLockProblems).
    [BidLock("{marketplaceId}", "{postingId}")]
    public partial Task<BidReceipt> PlaceBidAsync(string marketplaceId, string postingId, BidRequest bid, CancellationToken cancellationToken);

    // One bid on a bundle of postings: every posting of the collection is locked, all or nothing, in one order.
    [BidLock("{marketplaceId}", "{postingIds}")]
    public partial Task<IReadOnlyList<BidReceipt>> PlaceBundleBidAsync(string marketplaceId, IReadOnlyList<string> postingIds, BidRequest bid, CancellationToken cancellationToken);

    private async Task<IReadOnlyList<BidReceipt>> PlaceBundleBidAsyncCore(string marketplaceId, IReadOnlyList<string> postingIds, BidRequest bid, CancellationToken cancellationToken, BidLockLease lease)
    {
        var receipts = new List<BidReceipt>();
        foreach (var postingId in postingIds)
        {
            receipts.Add(await marketplace.SubmitAsync(postingId, bid, lease.FencingTokens[postingId], cancellationToken));
        }

        return receipts;
    }

    private async Task<BidReceipt> PlaceBidAsyncCore(string marketplaceId, string postingId, BidRequest bid, CancellationToken cancellationToken, BidLockLease lease)
    {
        var receipt = await marketplace.SubmitAsync(postingId, bid, lease.FencingToken, cancellationToken);
        logger.LogInformation("Placed {Amount} by {Bidder} on {Marketplace}/{Posting} with fence {FencingToken}", bid.Amount, bid.Bidder, marketplaceId, postingId, lease.FencingToken);
        return receipt;
    }
}
