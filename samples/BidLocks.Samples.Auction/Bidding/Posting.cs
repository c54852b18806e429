namespace BidLocks.Samples.Auction.Bidding;

/// <summary>An item on sale. The lock key names it by <see cref="Id"/> (<c>"{posting.Id}"</c>).</summary>
public sealed record Posting(string Id);
