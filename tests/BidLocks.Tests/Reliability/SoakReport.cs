using System.Globalization;
using BidLocks.TestHost;

namespace BidLocks.Tests.Reliability;

/// <summary>
/// The soak's verdict, from the ledger and the processes' summaries. A violation is a bid whose count the ledger
/// lost or gained (counter ≠ successful bids, per posting), a fence log that does not list every bid, or a ledger
/// update that found a half-written counter; a fence break is a fence not greater than the one before it on its posting.
/// </summary>
public sealed record SoakReport(long Bids, long Violations, long FenceBreaks, long Timeouts, long Unavailable, long BackendErrors, long Conflicts, double Seconds)
{
    public double BidsPerSecond => Bids / Seconds;

    public static SoakReport From(SoakLedger ledger, IReadOnlyList<SoakSummary> summaries)
    {
        long violations = summaries.Sum(summary => summary.LedgerErrors), fenceBreaks = 0;
        for (var posting = 0; posting < SoakProcesses.Postings; posting++)
        {
            var successes = summaries.Sum(summary => summary.SuccessesPerPosting[posting]);
            var fences = ledger.ReadFences(posting);
            violations += Math.Abs(ledger.ReadCounter(posting) - successes) + Math.Abs(fences.Count - successes);
            fenceBreaks += fences.Zip(fences.Skip(1)).Count(pair => pair.Second <= pair.First);
        }

        return new SoakReport(
            summaries.Sum(summary => summary.Successes),
            violations,
            fenceBreaks,
            summaries.Sum(summary => summary.Timeouts),
            summaries.Sum(summary => summary.Unavailable),
            summaries.Sum(summary => summary.Metrics.BackendErrors),
            summaries.Sum(summary => summary.Metrics.LockConflicts),
            summaries.Max(summary => summary.Seconds));
    }

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{SoakProcesses.Processes} processes x {SoakProcesses.WorkersPerProcess} workers x {SoakProcesses.Postings} postings, {Seconds:F1} s: "
            + $"{Bids} bids ({BidsPerSecond:F0}/s), {Conflicts} waits for a held lock, violations {Violations}, fence breaks {FenceBreaks}, "
            + $"timeouts {Timeouts}, refused while the backend failed {Unavailable} (backend errors counted {BackendErrors})");
}
