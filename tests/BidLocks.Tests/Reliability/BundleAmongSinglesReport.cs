using System.Diagnostics;
using System.Globalization;
using BidLocks.TestHost;

namespace BidLocks.Tests.Reliability;

/// <summary>
/// The verdict of the bundle-among-singles run, and the bound a bundle's wait is held to (docs/multi-posting.md,
/// "Taken whole"): a set of k postings queues on one busy posting at a time, behind at most P other waiters and the
/// holder; each posting taken from under it while free can cost it the places above again, so at worst it queues
/// 2^k − 1 times. Each queuing costs at most P + 1 turns of the posting plus one for the set's own hand-off, and a turn
/// is measured in the run itself: the 99th percentile, over every posting, of the time from one body's start to the
/// next's (the body, the release, the hand-off and the next holder waking up), so the bound grows with the machine's
/// load, not against it, plus the run's longest turn once: one stall of the loaded machine (a pause, a slow disk write)
/// may fall in any wait. (Counting every turn at the longest would make the bound rigorous, but one stall would then
/// stretch it past the whole run; 2^k − 1 queuings is already a worst case that needs every posting taken from under
/// the set.)
/// <para>Sets look before they wait in line (<see cref="BidLockManagerBase.SetLooksBeforeWaitingInLine"/> looks on
/// Redis and SQLite), and the looks come first: each at most the longest look pause (<see cref="LookPauseMs"/>) plus one step, counted
/// at the run's median hand-off gap.</para>
/// </summary>
/// <param name="BundlesPlaced">Bundles held whole and bid on.</param>
/// <param name="SingleBidsPerProcess">Bids of each single-bidding process.</param>
/// <param name="Overlaps">Ledger counts that disagree with the bids, half-written counters, and bodies on one posting
/// that overlapped in time (the next started before the last ended, on the shared monotonic clock).</param>
/// <param name="FenceBreaks">Fences not above the one before them on their posting, in the ledger's write order.</param>
/// <param name="Timeouts">Calls that waited out their long timeout.</param>
/// <param name="Unavailable">Calls refused because the backend failed.</param>
/// <param name="BodyP50Ms">The median body time (one ledger bid per posting held).</param>
/// <param name="BodyMaxMs">The longest body time.</param>
/// <param name="GapP50Ms">The median hand-off gap on a posting: one body's end to the next one's start.</param>
/// <param name="GapP99Ms">The 99th percentile hand-off gap.</param>
/// <param name="TurnP99Ms">The 99th percentile turn of a posting: one body's start to the next one's.</param>
/// <param name="LongestTurnMs">The longest turn of a posting.</param>
/// <param name="Looks">How many times a set looks before it waits in line (0 where it waits in line at once).</param>
/// <param name="BoundMs">What no bundle may wait longer than: <see cref="Looks"/> × (<see cref="LookPauseMs"/> + <see cref="GapP50Ms"/>),
/// plus (2^k − 1) × (P + 2) turns of <see cref="TurnP99Ms"/>, plus <see cref="LongestTurnMs"/>.</param>
/// <param name="BundleWaitP50Ms">The median wait of a bundle, from the call to its body.</param>
/// <param name="BundleWaitP99Ms">The 99th percentile wait of a bundle.</param>
/// <param name="LongestBundleWaitMs">The longest wait of a bundle, counting a wait still going when the run stopped.</param>
/// <param name="Seconds">How long the bidders ran.</param>
public sealed record BundleAmongSinglesReport(
    long BundlesPlaced,
    long[] SingleBidsPerProcess,
    long Overlaps,
    long FenceBreaks,
    long Timeouts,
    long Unavailable,
    double BodyP50Ms,
    double BodyMaxMs,
    double GapP50Ms,
    double GapP99Ms,
    double TurnP99Ms,
    double LongestTurnMs,
    int Looks,
    double BoundMs,
    double BundleWaitP50Ms,
    double BundleWaitP99Ms,
    double LongestBundleWaitMs,
    double Seconds)
{
    /// <summary>Other waiters that can stand in one posting's queue at once: each single-bidding process sends one (its
    /// local queue keeps the rest), and each other bundle worker one.</summary>
    public const int OtherWaiters = BundleBidderProcesses.SingleProcesses + BundleBidderProcesses.BundleWorkers - 1;

    /// <summary>The worst number of times a set of k postings queues: 2^k − 1.</summary>
    public const int Queuings = (1 << BundleBidderProcesses.BundleSize) - 1;

    /// <summary>The longest pause of a look.</summary>
    public static readonly double LookPauseMs = BidLockManagerBase.LookPause.TotalMilliseconds;

    public static BundleAmongSinglesReport From(SoakLedger ledger, IReadOnlyList<BundleBidderSummary> summaries, IReadOnlyList<BundleHold> holds, int looks)
    {
        long overlaps = summaries.Sum(summary => summary.LedgerErrors), fenceBreaks = 0;
        var turns = new List<double>();
        var gaps = new List<double>();
        for (var posting = 0; posting < BundleBidderProcesses.Postings; posting++)
        {
            var bids = summaries.Sum(summary => summary.BidsPerPosting[posting]);
            var fences = ledger.ReadFences(posting);
            overlaps += Math.Abs(ledger.ReadCounter(posting) - bids) + Math.Abs(fences.Count - bids);
            fenceBreaks += fences.Zip(fences.Skip(1)).Count(pair => pair.Second <= pair.First);

            // The posting's holds in the order the lock granted them: by fence.
            var line = holds
                .SelectMany(hold => hold.Postings.Select((held, index) => (held, Fence: hold.Fences[index], hold.BodyStart, hold.BodyEnd)))
                .Where(hold => hold.held == posting)
                .OrderBy(hold => hold.Fence)
                .ToList();
            foreach (var (previous, next) in line.Zip(line.Skip(1)))
            {
                overlaps += next.BodyStart < previous.BodyEnd ? 1 : 0;
                turns.Add(Milliseconds(next.BodyStart - previous.BodyStart));
                gaps.Add(Milliseconds(next.BodyStart - previous.BodyEnd));
            }
        }

        var turn = Percentile(turns, 0.99);
        var gap = Percentile(gaps, 0.50);
        var bundleWaits = holds.Where(hold => hold.Postings.Length > 1).Select(hold => Milliseconds(hold.BodyStart - hold.WaitStart)).ToList();
        var bodies = holds.Select(hold => Milliseconds(hold.BodyEnd - hold.BodyStart)).ToList();
        return new BundleAmongSinglesReport(
            summaries[0].Holds,
            [.. summaries.Skip(1).Select(summary => summary.Holds)],
            overlaps,
            fenceBreaks,
            summaries.Sum(summary => summary.Timeouts),
            summaries.Sum(summary => summary.Unavailable),
            Percentile(bodies, 0.50),
            bodies.DefaultIfEmpty(0).Max(),
            gap,
            Percentile(gaps, 0.99),
            turn,
            turns.DefaultIfEmpty(0).Max(),
            looks,
            (looks * (LookPauseMs + gap)) + (Queuings * (OtherWaiters + 2) * turn) + turns.DefaultIfEmpty(0).Max(),
            Percentile(bundleWaits, 0.50),
            Percentile(bundleWaits, 0.99),
            Math.Max(bundleWaits.DefaultIfEmpty(0).Max(), summaries[0].UnfinishedWaitMs),
            summaries.Max(summary => summary.Seconds));
    }

    private static double Milliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    private static double Percentile(List<double> values, double share)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)(share * sorted.Count))];
    }

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"1 process x {BundleBidderProcesses.BundleWorkers} workers bidding bundles of {BundleBidderProcesses.BundleSize}, "
            + $"{BundleBidderProcesses.SingleProcesses} x {BundleBidderProcesses.SingleWorkers} bidding singles, {BundleBidderProcesses.Postings} postings, {Seconds:F1} s: "
            + $"bundles {BundlesPlaced}, single bids per process {string.Join("/", SingleBidsPerProcess)}, overlaps {Overlaps}, fence breaks {FenceBreaks}, "
            + $"timeouts {Timeouts}, unavailable {Unavailable}; body p50 {BodyP50Ms:F1} ms, max {BodyMaxMs:F0} ms; hand-off gap p50 {GapP50Ms:F1} ms, p99 {GapP99Ms:F0} ms; "
            + $"turn p99 {TurnP99Ms:F0} ms, longest {LongestTurnMs:F0} ms, bound {Looks} x ({LookPauseMs:F0} + {GapP50Ms:F1}) + {Queuings} x {OtherWaiters + 2} x {TurnP99Ms:F0} + {LongestTurnMs:F0} = {BoundMs:F0} ms; "
            + $"bundle wait p50 {BundleWaitP50Ms:F0} ms, p99 {BundleWaitP99Ms:F0} ms, longest {LongestBundleWaitMs:F0} ms");
}
