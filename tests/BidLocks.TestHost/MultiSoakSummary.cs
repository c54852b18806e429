namespace BidLocks.TestHost;

/// <summary>What one multi-posting soak process did, printed as JSON on its <c>done {…}</c> line.</summary>
/// <param name="ProcessId">The process.</param>
/// <param name="Shape">The posting indexes of its set, in the order this process names them.</param>
/// <param name="SuccessesPerPosting">Bids written to the ledger, per posting index (each held set bids on each of its postings).</param>
/// <param name="SetsHeld">Sets held whole by the patient calls.</param>
/// <param name="Timeouts">Patient calls that waited their whole timeout: with ordered sets, only a deadlock could cause one.</param>
/// <param name="Stuck">Patient calls still waiting, for over half their timeout, when the run stopped: a late deadlock.</param>
/// <param name="MaxWaitMs">The longest a patient call waited for its set.</param>
/// <param name="ProbeFailures">Impatient calls (no wait) that found a posting of the set busy.</param>
/// <param name="ProbeRollbacks">Of those, the ones that had already taken a posting and had to give it back.</param>
/// <param name="Unavailable">Calls refused because the backend failed.</param>
/// <param name="LedgerErrors">Ledger updates that found a half-written counter: only an overlap could cause one.</param>
/// <param name="Seconds">How long the workers ran.</param>
public sealed record MultiSoakSummary(
    int ProcessId,
    int[] Shape,
    long[] SuccessesPerPosting,
    long SetsHeld,
    long Timeouts,
    long Stuck,
    double MaxWaitMs,
    long ProbeFailures,
    long ProbeRollbacks,
    long Unavailable,
    long LedgerErrors,
    double Seconds);
