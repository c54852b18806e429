using BidLocks.Samples.Auction.Reporting;

namespace BidLocks.Samples.Auction.Usage;

/// <summary>
/// How well the lock let the bodies use the postings: utilization (the share of the run each posting was held by a
/// running body) and the hand-off gap (a body's end to the next body's start on the same posting, whichever processes
/// ran them).
/// </summary>
internal sealed class PostingUse
{
    private PostingUse(double utilization, Percentiles gaps, Percentiles holds)
    {
        Utilization = utilization;
        Gaps = gaps;
        Holds = holds;
    }

    /// <summary>Sum of body time ÷ (postings × run time), from 0 to 1.</summary>
    public double Utilization { get; }

    /// <summary>Hand-off gaps, µs.</summary>
    public Percentiles Gaps { get; }

    /// <summary>How long one body held a posting, µs.</summary>
    public Percentiles Holds { get; }

    /// <summary>
    /// From every body of the run. The run time is from the first body's start to the last one's end, so the time the
    /// processes took to start and stop is not counted against the lock.
    /// </summary>
    public static PostingUse Measure(IReadOnlyList<BodyTime> bodies, int postings)
    {
        if (bodies.Count == 0)
        {
            return new PostingUse(0, new Percentiles([]), new Percentiles([]));
        }

        var runMicros = bodies.Max(body => body.EndMicros) - bodies.Min(body => body.StartMicros);
        var held = bodies.Sum(body => body.EndMicros - body.StartMicros);
        var gaps = new List<long>();
        foreach (var posting in bodies.GroupBy(body => body.PostingId, StringComparer.Ordinal))
        {
            var inOrder = posting.OrderBy(body => body.StartMicros).ToList();
            for (var i = 1; i < inOrder.Count; i++)
            {
                // Bodies on one posting never overlap with the lock; a negative gap would be clock jitter between processes.
                gaps.Add(Math.Max(0, inOrder[i].StartMicros - inOrder[i - 1].EndMicros));
            }
        }

        var utilization = runMicros > 0 ? (double)held / ((double)postings * runMicros) : 0;
        return new PostingUse(utilization, new Percentiles(gaps), new Percentiles(bodies.Select(body => body.EndMicros - body.StartMicros)));
    }
}
