namespace BidLocks.Samples.Auction.Bidding;

/// <summary>Places the next bid on a posting. The workers do not know whether a lock is taken: only the service differs.</summary>
public interface IBidService
{
    Task<BidReceipt> PlaceBidAsync(string marketplaceId, Posting posting, CancellationToken cancellationToken);

    /// <summary>A bundle: the next bid on every posting of <paramref name="postings"/>, all while holding all of them.</summary>
    Task<IReadOnlyList<BidReceipt>> PlaceBundleAsync(string marketplaceId, IReadOnlyList<Posting> postings, CancellationToken cancellationToken);
}

/// <summary>An item on sale. The lock key names it by <see cref="Id"/> (<c>"{posting.Id}"</c>).</summary>
public sealed record Posting(string Id);

/// <summary>A bid the marketplace accepted.</summary>
/// <param name="PostingId">The posting bid on.</param>
/// <param name="Round">Which bid on the posting this was meant to be: the top round read, plus one.</param>
/// <param name="AmountCents">The amount bid.</param>
/// <param name="FencingToken">The lease's fencing token, or null without a lock.</param>
/// <param name="BodyStartedTimestamp">
/// <see cref="System.Diagnostics.Stopwatch.GetTimestamp"/> when the bid body started: minus the time of the call, it is
/// how long taking the lock took.
/// </param>
public sealed record BidReceipt(string PostingId, long Round, long AmountCents, long? FencingToken, long BodyStartedTimestamp);
