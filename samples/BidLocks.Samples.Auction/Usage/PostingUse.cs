using BidLocks.Samples.Auction.Reporting;

namespace BidLocks.Samples.Auction.Usage;

/// <summary>
/// How well the lock let the bodies use the postings: utilization (the share of the run each posting was held by a
/// running body), demand (the share some bidder wanted it: called a bid on it that had not returned) and the hand-off
/// gap (a body's end to the next body's start on the same posting while a bidder wanted it, whichever processes ran them).
/// </summary>
/// <remarks>
/// Utilization alone mixes two causes. Workers pick postings at random, so at any moment some postings are wanted by
/// nobody (with 16 workers on 8 postings, a fifth of the time even if the lock cost nothing): that is the workload's
/// share, and no lock can use it. Within the time a posting is wanted, what no body uses is the lock's share: acquire,
/// release, hand-over and wake-up (and, for bundles, the wait for a set's other postings). Only gaps wanted throughout
/// are hand-offs; a gap with a moment nobody wanted the posting is counted as idle, not as the lock's latency.
/// </remarks>
internal sealed class PostingUse
{
    private PostingUse(double utilization, double demand, Percentiles gaps, Percentiles holds, int idleGaps)
    {
        Utilization = utilization;
        Demand = demand;
        Gaps = gaps;
        Holds = holds;
        IdleGaps = idleGaps;
    }

    /// <summary>Sum of body time ÷ (postings × run time), from 0 to 1.</summary>
    public double Utilization { get; }

    /// <summary>Sum over postings of the time some bidder wanted the posting ÷ (postings × run time), from 0 to 1.</summary>
    public double Demand { get; }

    /// <summary>The share of the wanted time a body used: <see cref="Utilization"/> ÷ <see cref="Demand"/>.</summary>
    public double UseOfDemand => Demand > 0 ? Utilization / Demand : 0;

    /// <summary>Hand-off gaps (the posting wanted from one body's end to the next one's start), µs.</summary>
    public Percentiles Gaps { get; }

    /// <summary>How many gaps between bodies had a moment when nobody wanted the posting: not hand-offs.</summary>
    public int IdleGaps { get; }

    /// <summary>How long one body held a posting, µs.</summary>
    public Percentiles Holds { get; }

    /// <summary>
    /// From every body and want of the run. The run time is from the first body's start to the last one's end, so the
    /// time the processes took to start and stop is not counted against the lock; wants are cut to it.
    /// </summary>
    public static PostingUse Measure(PostingTimes times, int postings)
    {
        var bodies = times.Bodies;
        if (bodies.Count == 0)
        {
            return new PostingUse(0, 0, new Percentiles([]), new Percentiles([]), 0);
        }

        var runStart = bodies.Min(body => body.StartMicros);
        var runEnd = bodies.Max(body => body.EndMicros);
        var runMicros = runEnd - runStart;
        var held = bodies.Sum(body => body.EndMicros - body.StartMicros);
        var wantsByPosting = times.Wants.ToLookup(want => want.PostingId, StringComparer.Ordinal);
        var gaps = new List<long>();
        var idleGaps = 0;
        long wanted = 0;
        foreach (var posting in bodies.GroupBy(body => body.PostingId, StringComparer.Ordinal))
        {
            var demand = WantedSpans.Of(wantsByPosting[posting.Key], runStart, runEnd);
            wanted += demand.TotalMicros;
            var inOrder = posting.OrderBy(body => body.StartMicros).ToList();
            for (var i = 1; i < inOrder.Count; i++)
            {
                // Bodies on one posting never overlap with the lock; a negative gap would be clock jitter between processes.
                var end = inOrder[i - 1].EndMicros;
                var start = Math.Max(end, inOrder[i].StartMicros);
                if (demand.Covers(end, start))
                {
                    gaps.Add(start - end);
                }
                else
                {
                    idleGaps++;
                }
            }
        }

        var scale = (double)postings * runMicros;
        return runMicros > 0
            ? new PostingUse(held / scale, wanted / scale, new Percentiles(gaps), new Percentiles(bodies.Select(body => body.EndMicros - body.StartMicros)), idleGaps)
            : new PostingUse(0, 0, new Percentiles(gaps), new Percentiles([]), idleGaps);
    }
}
