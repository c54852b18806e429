namespace BidLocks.Samples.Auction.Ledger;

/// <summary>One row of the ledger: a bid as the marketplace recorded it.</summary>
/// <param name="PostingId">The posting.</param>
/// <param name="Round">The round the bidder meant to place: the top round it read, plus one.</param>
/// <param name="AmountCents">The amount.</param>
/// <param name="Instance">The bidder process (1-based).</param>
/// <param name="Worker">The bid loop inside that process (0-based).</param>
/// <param name="FencingToken">The lease's fencing token; null when bidding without the lock.</param>
public sealed record LedgerBid(string PostingId, long Round, long AmountCents, int Instance, int Worker, long? FencingToken);

/// <summary>A posting's top bid, as read before placing the next.</summary>
public sealed record TopBid(long Round, long AmountCents);
