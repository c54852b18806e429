using BidLocks.Samples.Auction.CommandLine;
using BidLocks.Samples.Auction.Coordination;
using BidLocks.Samples.Auction.Ledger;
using BidLocks.Samples.Auction.Usage;

namespace BidLocks.Samples.Auction.Reporting;

/// <summary>Everything the summary shows: the bidders' own totals and the ledger's audit, side by side.</summary>
internal sealed record RunReport(
    AuctionSettings Options,
    string Backend,
    string Reason,
    string? Warning,
    IReadOnlyList<string> Notes,
    TimeSpan Elapsed,
    AuditResult Audit,
    IReadOnlyList<BidderProcess> Bidders,
    PostingUse Use,
    string? KeptFolder)
{
    public long Waits => Bidders.Sum(b => b.Done?.Waits ?? b.Latest?.Waits ?? 0);

    public long Timeouts => Bidders.Sum(b => b.Done?.Timeouts ?? b.Latest?.Timeouts ?? 0);

    public long Errors => Bidders.Sum(b => b.Done?.Errors ?? b.Latest?.Errors ?? 0);

    public long ReportedBids => Bidders.Sum(b => b.Done?.Bids ?? b.Latest?.Bids ?? 0);

    public Percentiles Latency { get; } = new(Bidders.SelectMany(b => b.Done?.AcquireMicros ?? []));

    /// <summary>What went wrong; empty for a good run. Duplicates count only with the lock: without it they are the point.</summary>
    public IReadOnlyList<string> Failures
    {
        get
        {
            var failures = new List<string>();
            foreach (var bidder in Bidders.Where(b => b.Failure is not null))
            {
                var errors = bidder.Errors;
                failures.Add($"bidder {bidder.Instance} (pid {bidder.ProcessId}) failed: {bidder.Failure}{(errors.Length == 0 ? string.Empty : Environment.NewLine + Indent(errors))}");
            }

            foreach (var bidder in Bidders.Where(b => b.Done?.Error is not null))
            {
                failures.Add($"bidder {bidder.Instance}: {Numbers.Count(bidder.Done!.Errors)} bid(s) failed; the first: {bidder.Done.Error}");
            }

            if (!Options.NoLock && Audit.DuplicateBids > 0)
            {
                failures.Add($"BUG: {Numbers.Count(Audit.DuplicateBids)} duplicate bid(s) with the lock held. Please report it with this output.");
            }

            if (!Options.NoLock && Audit.FenceOrderViolations > 0)
            {
                failures.Add($"BUG: {Numbers.Count(Audit.FenceOrderViolations)} bid(s) with a fencing token not above the previous round's.");
            }

            // Every bid a bidder counted is in the ledger, and nothing else is: else the audit would be of other bids.
            if (Bidders.All(b => b.Done is not null) && ReportedBids != Audit.Bids)
            {
                failures.Add($"the bidders reported {Numbers.Count(ReportedBids)} bids but the ledger holds {Numbers.Count(Audit.Bids)}");
            }

            return failures;
        }
    }

    private static string Indent(string text) => string.Join(Environment.NewLine, text.Split('\n').Select(line => "    " + line.TrimEnd('\r')));
}
