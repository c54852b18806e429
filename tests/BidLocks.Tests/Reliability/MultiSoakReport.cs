using System.Globalization;
using BidLocks.TestHost;

namespace BidLocks.Tests.Reliability;

/// <summary>
/// The multi-posting soak's verdict. An overlap is a bid the ledger lost or gained on a posting (counter ≠ bids, fence
/// log ≠ bids) or a half-written counter; a fence break is a fence not above the one before it on its posting; a
/// deadlock is a patient call that waited out its timeout, or was still waiting after half of it when the run stopped; a posting left held is one the test could not take at once
/// after every process had stopped bidding (a partly taken set that was never given back).
/// </summary>
public sealed record MultiSoakReport(
    long[] BidsPerPosting,
    long[] SetsPerProcess,
    long Overlaps,
    long FenceBreaks,
    long Deadlocks,
    double MaxWaitMs,
    long ProbeFailures,
    long ProbeRollbacks,
    long Unavailable,
    int LeftHeld,
    double Seconds)
{
    public static MultiSoakReport From(SoakLedger ledger, IReadOnlyList<MultiSoakSummary> summaries, int leftHeld)
    {
        long overlaps = summaries.Sum(summary => summary.LedgerErrors), fenceBreaks = 0;
        var bids = new long[MultiSoakProcesses.Postings];
        for (var posting = 0; posting < bids.Length; posting++)
        {
            bids[posting] = summaries.Sum(summary => summary.SuccessesPerPosting.ElementAtOrDefault(posting));
            var fences = ledger.ReadFences(posting);
            overlaps += Math.Abs(ledger.ReadCounter(posting) - bids[posting]) + Math.Abs(fences.Count - bids[posting]);
            fenceBreaks += fences.Zip(fences.Skip(1)).Count(pair => pair.Second <= pair.First);
        }

        return new MultiSoakReport(
            bids,
            [.. summaries.Select(summary => summary.SetsHeld)],
            overlaps,
            fenceBreaks,
            summaries.Sum(summary => summary.Timeouts + summary.Stuck),
            summaries.Max(summary => summary.MaxWaitMs),
            summaries.Sum(summary => summary.ProbeFailures),
            summaries.Sum(summary => summary.ProbeRollbacks),
            summaries.Sum(summary => summary.Unavailable),
            leftHeld,
            summaries.Max(summary => summary.Seconds));
    }

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{MultiSoakProcesses.Shapes.Length} processes ({string.Join(" ", MultiSoakProcesses.Shapes.Select(shape => "{" + string.Join(",", shape) + "}"))}) "
            + $"x {MultiSoakProcesses.WorkersPerProcess} workers, {Seconds:F1} s: sets held per process {string.Join("/", SetsPerProcess)}, "
            + $"bids per posting {string.Join("/", BidsPerPosting)}, overlaps {Overlaps}, fence breaks {FenceBreaks}, deadlocks (timeouts or stuck at the end) {Deadlocks}, "
            + $"longest wait {MaxWaitMs:F0} ms, probes refused {ProbeFailures}, {ProbeRollbacks} of them after taking part of the set (given back), "
            + $"unavailable {Unavailable}, postings left held {LeftHeld}");
}
