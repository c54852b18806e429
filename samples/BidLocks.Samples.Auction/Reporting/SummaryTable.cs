using BidLocks.Samples.Auction.Coordination;

namespace BidLocks.Samples.Auction.Reporting;

/// <summary>
/// The summary at the end of a run. One row per fact, label in a fixed column, so that a person can read it and a
/// test can find a row by its label (<c>Duplicate bids</c>, <c>Lock timeouts</c>, …).
/// </summary>
internal static class SummaryTable
{
    private const string NoLock = "n/a (no lock)";

    public static void Print(RunReport report)
    {
        var options = report.Options;
        var audit = report.Audit;
        var locked = !options.NoLock;

        Console.WriteLine();
        Console.WriteLine(locked ? "== Summary: bids through [BidLock] ==" : "== Summary: bids WITHOUT a lock (--no-lock) ==");
        Row("Bidders", $"{options.Processes} processes x {options.Workers} workers, {options.Postings} postings{(options.Bundle > 1 ? $", bundles of {options.Bundle}" : string.Empty)}, {Numbers.Seconds(report.Elapsed.TotalSeconds)} s, {options.LatencyMs} ms marketplace latency");
        Row("Lock backend", locked ? $"{report.Backend}: {report.Reason}" : "none: the bids call the marketplace directly (UnlockedBidService)");
        if (report.Warning is not null)
        {
            Row(string.Empty, "warning: " + report.Warning);
        }

        foreach (var note in report.Notes)
        {
            Row(string.Empty, note);
        }

        var perSecond = report.Elapsed.TotalSeconds > 0 ? audit.Bids / report.Elapsed.TotalSeconds : 0;
        Row("Bids placed", $"{Numbers.Count(audit.Bids)}  ({Numbers.Count((long)perSecond)} per second, counted in the ledger)");
        Row("Duplicate bids", audit.DuplicateBids == 0
            ? "0  (ledger audit: no (posting, round) has two bids)"
            : $"{Numbers.Count(audit.DuplicateBids)}  in {Numbers.Count(audit.DuplicateRounds)} rounds, {Numbers.Count(audit.CrossProcessRounds)} of them between processes");
        if (audit.Example is not null)
        {
            Row(string.Empty, "e.g. " + audit.Example);
        }

        Row("Lock waits", locked ? Numbers.Count(report.Waits) : NoLock);
        Row("Lock timeouts", locked ? Numbers.Count(report.Timeouts) : NoLock);
        Row("Errors", Numbers.Count(report.Errors));
        Row("Acquire latency", locked && report.Latency.Count > 0
            ? $"p50 {Numbers.Millis(report.Latency.Millis(0.50)!.Value)} ms, p99 {Numbers.Millis(report.Latency.Millis(0.99)!.Value)} ms  (from call to body, {Numbers.Count(report.Latency.Count)} bids)"
            : locked ? "n/a (no bids)" : NoLock);
        var use = report.Use;
        Row("Posting use", locked && use.Holds.Count > 0
            ? $"{use.Utilization * 100:0.0} % of the run each posting was held by a running body (body p50 {Numbers.Millis(use.Holds.Millis(0.50)!.Value)} ms)"
            : locked ? "n/a (no bids)" : NoLock);
        Row("Posting demand", locked && use.Holds.Count > 0
            ? $"{use.Demand * 100:0.0} % of the run some bidder wanted each posting; bodies ran {use.UseOfDemand * 100:0.0} % of that (the rest is the lock's{(options.Bundle > 1 ? ", and a set's wait for its other postings" : string.Empty)})"
            : locked ? "n/a (no bids)" : NoLock);
        Row("Hand-off gap", locked && use.Gaps.Count > 0
            ? $"p50 {Numbers.Millis(use.Gaps.Millis(0.50)!.Value)} ms, p99 {Numbers.Millis(use.Gaps.Millis(0.99)!.Value)} ms  (a body's end to the next body's start on a posting a bidder waited for, across processes: {Numbers.Count(use.Gaps.Count)} hand-offs; {Numbers.Count(use.IdleGaps)} idle gaps not counted)"
            : locked ? "n/a (no hand-offs)" : NoLock);
        Row("Fencing tokens", locked
            ? audit.MinFencingToken is { } min && audit.MaxFencingToken is { } max
                ? $"{Numbers.Token(min)} .. {Numbers.Token(max)}, {(audit.FenceOrderViolations == 0 ? "increasing with every round of every posting" : $"{Numbers.Count(audit.FenceOrderViolations)} out of order")}"
                : "n/a (no bids)"
            : NoLock);
        if (report.KeptFolder is not null)
        {
            Row("Run folder", $"{report.KeptFolder} (kept: sqlite3 ledger.sqlite3 'SELECT posting, round, COUNT(*) FROM bids GROUP BY 1, 2 HAVING COUNT(*) > 1')");
        }

        Console.WriteLine();
        PrintPerBidder(report, locked);
        Console.WriteLine();
        PrintVerdict(report, locked);
    }

    private static void PrintPerBidder(RunReport report, bool locked)
    {
        Console.WriteLine($"  {"bidder",6}  {"pid",7}  {"bids",9}  {"waits",9}  {"timeouts",8}  {"errors",6}  {"p50 ms",7}  {"p99 ms",7}  state");
        foreach (var bidder in report.Bidders)
        {
            var totals = bidder.Done ?? bidder.Latest;
            var latency = new Percentiles(bidder.Done?.AcquireMicros ?? []);
            string Ms(double p) => latency.Millis(p) is { } ms ? Numbers.Millis(ms) : "-";
            Console.WriteLine(
                $"  {bidder.Instance,6}  {bidder.ProcessId,7}  {Numbers.Count(totals?.Bids ?? 0),9}  {(locked ? Numbers.Count(totals?.Waits ?? 0) : "-"),9}  "
                + $"{(locked ? Numbers.Count(totals?.Timeouts ?? 0) : "-"),8}  {Numbers.Count(totals?.Errors ?? 0),6}  {Ms(0.50),7}  {Ms(0.99),7}  {bidder.State}");
        }
    }

    private static void PrintVerdict(RunReport report, bool locked)
    {
        var failures = report.Failures;
        foreach (var failure in failures)
        {
            Console.WriteLine("FAILED: " + failure);
        }

        if (failures.Count > 0)
        {
            return;
        }

        var audit = report.Audit;
        if (locked)
        {
            Console.WriteLine($"OK: {Numbers.Count(audit.Bids)} bids from {report.Options.Processes} processes, no duplicate bid. Run with --no-lock to see what the lock prevents.");
        }
        else if (audit.DuplicateBids > 0)
        {
            Console.WriteLine($"Without the lock: {Numbers.Count(audit.DuplicateBids)} duplicate bids. Two bidders read the same top bid and both placed the next one.");
            Console.WriteLine("Run without --no-lock to see [BidLock] prevent them.");
        }
        else
        {
            Console.WriteLine("Without the lock, and no duplicate this time: try fewer --postings, more --workers or a higher --latency-ms.");
        }
    }

    private static void Row(string label, string value) => Console.WriteLine($"  {label,-17} {value}");
}
