namespace BidLocks.TestHost;

/// <summary>What one <see cref="BundleBidder"/> process did, printed as JSON on its <c>done {…}</c> line.</summary>
/// <param name="ProcessId">The process.</param>
/// <param name="Bundle">Postings per bid: 1 for a single bidder.</param>
/// <param name="BidsPerPosting">Bids written to the ledger, per posting index (a held bundle bids on each of its postings).</param>
/// <param name="Holds">Calls that got their postings and ran their body.</param>
/// <param name="Timeouts">Calls that waited their whole (long) timeout: a starved bundle, or a stuck single.</param>
/// <param name="Unavailable">Calls refused because the backend failed.</param>
/// <param name="LedgerErrors">Ledger updates that found a half-written counter: only an overlap could cause one.</param>
/// <param name="UnfinishedWaitMs">The longest a call had been waiting when the run stopped (it never held, so no hold records it).</param>
/// <param name="Seconds">How long the workers ran.</param>
public sealed record BundleBidderSummary(
    int ProcessId,
    int Bundle,
    long[] BidsPerPosting,
    long Holds,
    long Timeouts,
    long Unavailable,
    long LedgerErrors,
    double UnfinishedWaitMs,
    double Seconds);
