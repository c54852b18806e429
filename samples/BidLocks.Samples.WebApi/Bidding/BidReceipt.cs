namespace BidLocks.Samples.WebApi.Bidding;

/// <summary>
/// What the marketplace answered: the bid, the fencing token it was placed with, when its placing began and ended,
/// and the instance that placed it. Two receipts of one posting whose times overlap are a duplicate bid.
/// </summary>
public sealed record BidReceipt(string PostingId, string Bidder, decimal Amount, long FencingToken, DateTimeOffset Started, DateTimeOffset Finished, string Instance);
