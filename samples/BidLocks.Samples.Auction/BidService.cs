using BidLocks.Samples.Auction.Bidding;
using BidLocks.Samples.Auction.Usage;

namespace BidLocks.Samples.Auction;

/// <summary>
/// The bid with BidLocks, and what this sample is about. The source generator writes <see cref="PlaceBidAsync"/>: it
/// takes the lock on (marketplace, posting), calls <see cref="PlaceBidAsyncCore"/>, and releases the lock on every path.
/// Everything else in this project runs this class in several processes at once and audits the bids it placed.
/// </summary>
/// <param name="bodies">Where each body's time on its postings is recorded, for the run's posting utilization; null records nothing.</param>
public sealed partial class BidService(IBidLockManager locks, BidPlacer placer, BodyLog? bodies = null) : IBidService
{
    /// <summary>
    /// Waits up to 30 s for the lock: far more than a turn ever takes here, so a timeout in the summary means
    /// something is wrong rather than that the machine was busy.
    /// </summary>
    [BidLock("{marketplaceId}", "{posting.Id}", TimeoutSeconds = 30)]
    public partial Task<BidReceipt> PlaceBidAsync(string marketplaceId, Posting posting, CancellationToken cancellationToken);

    // The body: runs only while this process holds the posting's lock. The fencing token travels with the bid so the
    // ledger records which lease placed it (a marketplace that checks tokens could refuse a stale holder's write).
    private async Task<BidReceipt> PlaceBidAsyncCore(string marketplaceId, Posting posting, CancellationToken cancellationToken, BidLockLease lease)
    {
        var started = BodyLog.NowMicros();
        var receipt = await placer.PlaceNextBidAsync(posting, lease.FencingToken, cancellationToken).ConfigureAwait(false);
        bodies?.Add([posting.Id], started, BodyLog.NowMicros());
        return receipt;
    }

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
        var started = BodyLog.NowMicros();
        var receipts = new List<BidReceipt>(postings.Count);
        foreach (var posting in postings)
        {
            receipts.Add(await placer.PlaceNextBidAsync(posting, lease.GetFencingToken(posting.Id), cancellationToken).ConfigureAwait(false));
        }

        // The whole body held every posting of the bundle, from its first bid to its last.
        bodies?.Add(lease.PostingIds, started, BodyLog.NowMicros());
        return receipts;
    }
}
