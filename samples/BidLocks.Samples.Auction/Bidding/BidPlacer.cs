using System.Diagnostics;
using BidLocks.Samples.Auction.Ledger;

namespace BidLocks.Samples.Auction.Bidding;

/// <summary>
/// The bid itself, as a marketplace client does it: read the posting's top bid, then place the next one. This
/// check-then-act is exactly what two instances must not do at once; it is the body the lock protects.
/// </summary>
/// <remarks>
/// The read and the write are two separate ledger calls with latency between them, as they would be against a
/// remote marketplace API, so nothing but a lock stops two bidders from both reading round 7 and both bidding round 8.
/// </remarks>
/// <param name="placed">
/// Called once a bid is in the ledger: the bidder counts bids here, not when a call returns, because a bundle stopped
/// at the end of the run may have placed some of its bids and not the rest.
/// </param>
public sealed class BidPlacer(LedgerSession ledger, int instance, int worker, TimeSpan latency, Action? placed = null)
{
    /// <summary>Every bid raises the top bid by one dollar.</summary>
    public const long IncrementCents = 100;

    /// <summary>A posting with no bid yet starts here.</summary>
    public const long OpeningCents = 1_000;

    /// <summary>Reads the top bid, waits out the marketplace latency, and places the next bid.</summary>
    /// <param name="posting">The posting to bid on.</param>
    /// <param name="fencingToken">The lease's token, recorded with the bid; null when no lock is held.</param>
    /// <param name="cancellationToken">
    /// With the lock, it also fires when the lease is lost: then the bid is abandoned before it is written, because
    /// another bidder may already hold the posting.
    /// </param>
    public async Task<BidReceipt> PlaceNextBidAsync(Posting posting, long? fencingToken, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();

        // Check: the posting's current top bid.
        var top = await ledger.ReadTopBidAsync(posting.Id, cancellationToken).ConfigureAwait(false);

        // The marketplace is remote: while this bidder waits, another one can read the same top bid.
        if (latency > TimeSpan.Zero)
        {
            await Task.Delay(latency, cancellationToken).ConfigureAwait(false);
        }

        // Act: the next round, one increment above what was read.
        cancellationToken.ThrowIfCancellationRequested();
        var round = (top?.Round ?? 0) + 1;
        var amount = (top?.AmountCents ?? OpeningCents - IncrementCents) + IncrementCents;
        await ledger.InsertBidAsync(new LedgerBid(posting.Id, round, amount, instance, worker, fencingToken), cancellationToken).ConfigureAwait(false);
        placed?.Invoke();
        return new BidReceipt(posting.Id, round, amount, fencingToken, started);
    }
}
