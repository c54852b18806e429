namespace BidLocks.TestHost;

/// <summary>What one soak process did, printed as JSON on its last line (<c>done {…}</c>) for the test to add up.</summary>
/// <param name="ProcessId">The process.</param>
/// <param name="SuccessesPerPosting">Bids written to the ledger, per posting index.</param>
/// <param name="Timeouts">Acquires that timed out (the body did not run).</param>
/// <param name="Unavailable">Acquires refused because the backend failed (the body did not run).</param>
/// <param name="LedgerErrors">Bids whose ledger update failed: only an overlap between holders could cause one.</param>
/// <param name="Metrics">The manager's own counters at the end.</param>
/// <param name="Seconds">How long the workers ran.</param>
/// <param name="LongHolds">The long holds, when the run had them (<c>--long-hold-seconds</c>).</param>
public sealed record SoakSummary(int ProcessId, long[] SuccessesPerPosting, long Timeouts, long Unavailable, long LedgerErrors, BidLockMetrics Metrics, double Seconds, LongHold[] LongHolds)
{
    public long Successes => SuccessesPerPosting.Sum();
}
