namespace BidLocks.Samples.Auction.Bidding;

/// <summary>
/// The bid with BidLocks: the source generator writes <see cref="PlaceBidAsync"/>, which takes the lock on
/// (marketplace, posting), calls <see cref="PlaceBidAsyncCore"/>, and releases the lock on every path.
/// </summary>
public sealed partial class LockedBidService(IBidLockManager locks, BidPlacer placer) : IBidService
{
    /// <summary>
    /// Waits up to 30 s for the lock: far more than a turn ever takes here, so a timeout in the summary means
    /// something is wrong rather than that the machine was busy.
    /// </summary>
    [BidLock("{marketplaceId}", "{posting.Id}", TimeoutSeconds = 30)]
    public partial Task<BidReceipt> PlaceBidAsync(string marketplaceId, Posting posting, CancellationToken cancellationToken);

    // The body: runs only while this process holds the posting's lock. The fencing token travels with the bid so the
    // ledger records which lease placed it (a marketplace that checks tokens could refuse a stale holder's write).
    private Task<BidReceipt> PlaceBidAsyncCore(string marketplaceId, Posting posting, CancellationToken cancellationToken, BidLockLease lease)
        => placer.PlaceNextBidAsync(posting, lease.FencingToken, cancellationToken);

    /// <summary>
    /// A bundle bid: the template reads the <c>Id</c> of every posting in the list, so the generated method takes all of
    /// them as one multi-posting lock (in one global order, whatever order the list is in: no deadlock between
    /// bundles) and releases them all after the body.
    /// </summary>
    [BidLock("{marketplaceId}", "{postings.Id}", TimeoutSeconds = 30)]
    public partial Task<IReadOnlyList<BidReceipt>> PlaceBundleAsync(string marketplaceId, IReadOnlyList<Posting> postings, CancellationToken cancellationToken);

    // Runs only while this process holds every posting of the bundle; each bid carries its own posting's fencing token.
    private async Task<IReadOnlyList<BidReceipt>> PlaceBundleAsyncCore(string marketplaceId, IReadOnlyList<Posting> postings, CancellationToken cancellationToken, BidLockLease lease)
    {
        var receipts = new List<BidReceipt>(postings.Count);
        foreach (var posting in postings)
        {
            receipts.Add(await placer.PlaceNextBidAsync(posting, lease.GetFencingToken(posting.Id), cancellationToken).ConfigureAwait(false));
        }

        return receipts;
    }

    /// <summary>The lock manager this service locks through (for its metrics).</summary>
    public IBidLockManager Locks => locks;
}
