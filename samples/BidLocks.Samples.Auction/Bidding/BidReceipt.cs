namespace BidLocks.Samples.Auction.Bidding;

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
