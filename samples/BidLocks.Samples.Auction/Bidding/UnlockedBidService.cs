namespace BidLocks.Samples.Auction.Bidding;

/// <summary>
/// The same bid with no lock at all, for <c>--no-lock</c>: it has no lock manager and calls the body straight away.
/// A separate class rather than a flag in <see cref="BidService"/>, so that the locked path cannot be bypassed by
/// accident and the demo's "without" really is the code a service would have without BidLocks.
/// </summary>
public sealed class UnlockedBidService(BidPlacer placer) : IBidService
{
    public Task<BidReceipt> PlaceBidAsync(string marketplaceId, Posting posting, CancellationToken cancellationToken)
        => placer.PlaceNextBidAsync(posting, fencingToken: null, cancellationToken);

    public async Task<IReadOnlyList<BidReceipt>> PlaceBundleAsync(string marketplaceId, IReadOnlyList<Posting> postings, CancellationToken cancellationToken)
    {
        var receipts = new List<BidReceipt>(postings.Count);
        foreach (var posting in postings)
        {
            receipts.Add(await placer.PlaceNextBidAsync(posting, fencingToken: null, cancellationToken).ConfigureAwait(false));
        }

        return receipts;
    }
}
