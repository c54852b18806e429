namespace BidLocks.Samples.WebApi.Bidding;

/// <summary>The body of <c>POST /postings/{postingId}/bids</c>.</summary>
/// <param name="Bidder">Who bids.</param>
/// <param name="Amount">How much.</param>
public sealed record BidRequest(string Bidder, decimal Amount);
