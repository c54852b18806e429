using BidLocks.Samples.Auction.Usage;

namespace BidLocks.Samples.Tests;

/// <summary>
/// The demo's posting use, demand and hand-off gap, on bodies and wants written for the test: a gap counts as a
/// hand-off only while some bid wanted the posting throughout, and the time nobody wanted a posting is demand's, not
/// the lock's.
/// </summary>
public sealed class PostingUseTests
{
    [Fact]
    public void A_gap_is_a_hand_off_only_when_the_posting_was_wanted_throughout()
    {
        PostingTime[] bodies =
        [
            new("a", 0, 10), new("a", 12, 30), new("a", 60, 70),
            new("b", 50, 100),
        ];
        PostingTime[] wants =
        [
            // The first bid on a, then a second one called while the first held it: the gap from 10 to 12 is a hand-off.
            new("a", 0, 11), new("a", 5, 31),

            // Nobody wanted a from 31 to 60: the gap from 30 to 60 is idle, not the lock's.
            new("a", 60, 71),
            new("b", 40, 100),
        ];

        var use = PostingUse.Measure(new PostingTimes(bodies, wants), postings: 2);

        // Body time 10 + 18 + 10 + 50 = 88 over 2 postings x 100 µs of run.
        Assert.Equal(0.44, use.Utilization, precision: 10);

        // Wanted: a from 0 to 31 and 60 to 71, b from 40 to 100: 31 + 11 + 60.
        Assert.Equal(0.51, use.Demand, precision: 10);
        Assert.Equal(0.44 / 0.51, use.UseOfDemand, precision: 10);
        Assert.Equal(1, use.Gaps.Count);
        Assert.Equal(0.002, use.Gaps.Millis(0.5));
        Assert.Equal(1, use.IdleGaps);
    }

    [Fact]
    public void Wants_are_cut_to_the_run_and_overlapping_ones_count_once()
    {
        PostingTime[] bodies = [new("a", 100, 200), new("a", 250, 300)];
        PostingTime[] wants = [new("a", 0, 210), new("a", 50, 400), new("a", 240, 310)];

        var use = PostingUse.Measure(new PostingTimes(bodies, wants), postings: 1);

        // The run is 100 to 300; the three wants are one span over all of it.
        Assert.Equal(1.0, use.Demand, precision: 10);
        Assert.Equal(0.75, use.Utilization, precision: 10);
        Assert.Equal(0.05, use.Gaps.Millis(0.5));
        Assert.Equal(0, use.IdleGaps);
    }

    [Fact]
    public void A_run_without_bodies_measures_nothing()
    {
        var use = PostingUse.Measure(new PostingTimes([], [new("a", 0, 10)]), postings: 1);

        Assert.Equal(0, use.Utilization);
        Assert.Equal(0, use.Demand);
        Assert.Equal(0, use.UseOfDemand);
        Assert.Equal(0, use.Gaps.Count);
    }

    [Fact]
    public void A_written_log_reads_back_as_bodies_and_wants()
    {
        var folder = Directory.CreateTempSubdirectory("bidlocks-posting-use-");
        try
        {
            var first = new BodyLog();
            first.Add(["a", "b"], 10, 20);
            first.AddWant(["a", "b"], 5, 21);
            first.WriteTo(folder.FullName, instance: 1);
            var second = new BodyLog();
            second.AddWant(["c"], 30, 40);
            second.WriteTo(folder.FullName, instance: 2);

            var times = BodyLog.ReadAll(folder.FullName);

            Assert.Equal([new("a", 10, 20), new("b", 10, 20)], times.Bodies.OrderBy(body => body.PostingId, StringComparer.Ordinal));
            Assert.Equal([new("a", 5, 21), new("b", 5, 21), new("c", 30, 40)], times.Wants.OrderBy(want => want.PostingId, StringComparer.Ordinal));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
