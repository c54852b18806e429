namespace BidLocks.Samples.WebApi.Bidding;

/// <summary>The body of <c>POST /bundles/bids</c>: one bid on several postings, placed under one multi-posting lock.</summary>
/// <param name="PostingIds">The postings, at least one.</param>
/// <param name="Bidder">Who bids.</param>
/// <param name="Amount">How much, on each posting.</param>
public sealed record BundleRequest(IReadOnlyList<string> PostingIds, string Bidder, decimal Amount);
