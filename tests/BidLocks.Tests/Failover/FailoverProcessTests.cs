using System.Diagnostics;
using System.Globalization;
using BidLocks.Tests.Reliability;
using BidLocks.Tests.Sqlite;

namespace BidLocks.Tests.Failover;

/// <summary>
/// Fail-overs under three bidding application instances, each a real process with its own manager
/// (<see cref="FailoverBidders"/>: four workers, four postings, 30 ms bodies, one shared ledger), on a primary, its
/// replicas and three Sentinels. A planned fail-over (<c>SENTINEL FAILOVER</c>, the old primary stays up and writable
/// for seconds) with <c>MinReplicas</c> 0 and 1: every instance writes to the named primary within
/// <see cref="MoveBound"/> of <c>+switch-master</c>, no bid runs on a grant made while it moves (from the fail-over's
/// start, which a process hears before the replica is promoted, to its move), no two bodies overlap (with
/// <c>MinReplicas = 0</c> too), fences never go back, and every posting is bid on again soon after the move, not a lease
/// later. A SIGKILLed primary with <c>MinReplicas = 0</c>: every posting is bid on again soon after
/// the switch.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class FailoverProcessTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>
    /// The README's bound for application instances on a machine as loaded as this one (two cores shared by several
    /// test runs, load 10 – 30): hearing the announcement and opening a connection in a process of its own took up to
    /// 5.5 s here; 0.1 s for a manager in the test's own process (<see cref="PlannedSentinelFailoverTests"/>).
    /// </summary>
    private static readonly TimeSpan MoveBound = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long after the last instance moved every posting must have been bid on again: the releases the old primary
    /// may have answered are sent again at the move, then one round of hand-offs among the waiting workers (three
    /// processes, 30 ms bodies) and the workers' backoff, on a loaded machine. A lost release would hold it for the
    /// 30 s lease.
    /// </summary>
    private static readonly TimeSpan FreeBound = TimeSpan.FromSeconds(8);

    /// <summary>
    /// The "started" and "named" lines are logged once grants are refused; an acquire called this long after one of
    /// them cannot have had a try before it.
    /// </summary>
    private static readonly TimeSpan StampMargin = TimeSpan.FromMilliseconds(20);

    private readonly TempDatabase _folder = new();

    [Theory(Timeout = 240_000)]
    [InlineData(0)]
    [InlineData(1)]
    public async Task Three_bidding_processes_move_to_the_named_primary_of_a_planned_fail_over_within_the_bound(int minReplicas)
    {
        var cancel = TestContext.Current.CancellationToken;
        // MinReplicas = 1 needs two replicas: after the switch the new primary has one until Sentinel turns the old one round.
        await using var redis = await ReplicatedRedis.StartAsync(replicas: minReplicas + 1);
        await using var sentinels = await RedisSentinels.StartAsync(redis);
        using var events = new OutputOnDispose(output, () => redis.Events() + "\n" + sentinels.Events());
        await using var bidders = await FailoverBidders.StartAsync(sentinels.Url(), minReplicas, _folder.File("ledger"));
        await EveryPostingBidAfterAsync(bidders, after: 0);

        // The replica's promotion (SLAVEOF NO ONE), as the test reads it from the replica's log: from then on the old
        // primary's grants no longer reach the new one.
        var promotions = redis.Replicas.Select(replica => replica.WaitForOutputAsync("MASTER MODE enabled", timeout: TimeSpan.FromSeconds(60))).ToList();
        var failoverAt = Stopwatch.GetTimestamp();
        await sentinels.FailOverAsync();
        await Task.WhenAny(promotions);
        var promotedAt = Stopwatch.GetTimestamp();
        var newPort = await sentinels.WaitForSwitchAsync();
        var switchedAt = Stopwatch.GetTimestamp();
        var named = $"127.0.0.1:{newPort}";
        var moves = await Task.WhenAll(Enumerable.Range(0, FailoverBidders.Processes)
            .Select(process => bidders.FirstAsync(line => line.Process == process && line.Kind == "moved" && line.Subject == named, $"process {process} moving to {named}"))).WaitAsync(cancel);
        var movedAt = moves.Max(move => move.At);
        var freed = await EveryPostingBidAfterAsync(bidders, movedAt);
        var summaries = await bidders.StopAsync();

        var lines = bidders.Lines;
        // When each process began refusing grants: at the fail-over's start (a Sentinel's +try-failover), or at
        // +switch-master if it missed the start.
        var heard = Enumerable.Range(0, FailoverBidders.Processes)
            .Select(process => lines.First(line => line.Process == process && line.At > failoverAt && (line.Kind == "started" || (line.Kind == "named" && line.Subject == named))).At)
            .ToList();
        var heardStart = Enumerable.Range(0, FailoverBidders.Processes).Count(process => lines.Any(line => line.Process == process && line.Kind == "started" && line.At > failoverAt));
        // A bid asked for by a process after it began refusing and granted before it moved came from the old primary:
        // every try of such an acquire is refused until the move ends. Counted by when the acquire was called, not by
        // when its line was printed (which a loaded machine delays past any margin) nor by when its lease began (an
        // acquire granted before the start may wait out the holds-in-doubt check the move triggers). An acquire that
        // began before the start is the fence ledger's to judge (AssertNoOverlap).
        var duringMove = lines.Count(line => line.Kind == "bid"
            && line.AskedAt > heard[line.Process] + Ticks(StampMargin)
            && line.At < moves[line.Process].At);
        var outage = moves.Select((move, process) => Stopwatch.GetElapsedTime(heard[process], move.At)).ToList();
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"MinReplicas {minReplicas}, planned: {heardStart} of {FailoverBidders.Processes} processes heard the fail-over's start; they refused grants from {Describe(heard.Select(at => Stopwatch.GetElapsedTime(failoverAt, at)))} after SENTINEL FAILOVER was sent "
                + $"(the test saw the replica promoted {Stopwatch.GetElapsedTime(failoverAt, promotedAt).TotalMilliseconds:F0} ms after it, +switch-master {Stopwatch.GetElapsedTime(failoverAt, switchedAt).TotalMilliseconds:F0} ms after it); the processes wrote to {named} {Describe(moves.Select(move => Stopwatch.GetElapsedTime(switchedAt, move.At)))} after the test read +switch-master "
                + $"(refusing grants for {Describe(outage)} each); every posting bid on again within {Stopwatch.GetElapsedTime(movedAt, freed).TotalMilliseconds:F0} ms of the last move; "
                + $"{summaries.Sum(summary => summary.Unavailable)} calls refused, {summaries.Sum(summary => summary.Timeouts)} timed out, {summaries.Sum(summary => summary.Bids)} bids; "
                + $"ledger: {Counted(bidders)} bids counted, {FenceBreaks(bidders)} fence breaks, {summaries.Sum(summary => summary.LedgerErrors)} torn writes."));

        Assert.NotEqual(redis.Primary.Port, newPort);
        Assert.All(moves, move => Assert.True(
            Stopwatch.GetElapsedTime(switchedAt, move.At) < MoveBound,
            $"process {move.Process} wrote to the named primary only {Stopwatch.GetElapsedTime(switchedAt, move.At).TotalMilliseconds:F0} ms after +switch-master"));
        Assert.Equal(0, duringMove);
        AssertNoOverlap(bidders, summaries);

        Assert.True(Stopwatch.GetElapsedTime(movedAt, freed) < FreeBound, $"a posting was bid on again only {Stopwatch.GetElapsedTime(movedAt, freed).TotalMilliseconds:F0} ms after the last move");
    }

    [Fact(Timeout = 240_000)]
    public async Task With_MinReplicas_0_every_posting_is_bid_on_again_soon_after_a_SIGKILL_fail_over_not_a_lease_later()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var redis = await ReplicatedRedis.StartAsync(replicas: 1);
        await using var sentinels = await RedisSentinels.StartAsync(redis);
        using var events = new OutputOnDispose(output, () => redis.Events() + "\n" + sentinels.Events());
        await using var bidders = await FailoverBidders.StartAsync(sentinels.Url(), minReplicas: 0, _folder.File("ledger"));
        await EveryPostingBidAfterAsync(bidders, after: 0);

        var killedAt = Stopwatch.GetTimestamp();
        await redis.Primary.KillAsync();
        var newPort = await sentinels.WaitForSwitchAsync();
        var switchedAt = Stopwatch.GetTimestamp();
        var freed = await EveryPostingBidAfterAsync(bidders, switchedAt).WaitAsync(cancel);
        var summaries = await bidders.StopAsync();

        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"MinReplicas 0, SIGKILL: the Sentinels announced 127.0.0.1:{newPort} {Stopwatch.GetElapsedTime(killedAt, switchedAt).TotalMilliseconds:F0} ms after the kill; "
                + $"every posting bid on again {Stopwatch.GetElapsedTime(switchedAt, freed).TotalMilliseconds:F0} ms after the switch; "
                + $"{summaries.Sum(summary => summary.Unavailable)} calls refused, {summaries.Sum(summary => summary.Timeouts)} timed out, {summaries.Sum(summary => summary.Bids)} bids; "
                + $"ledger: {Counted(bidders)} bids counted, {FenceBreaks(bidders)} fence breaks, {summaries.Sum(summary => summary.LedgerErrors)} torn writes."));

        Assert.NotEqual(redis.Primary.Port, newPort);
        AssertNoOverlap(bidders, summaries);
        // The 30 s lease is what a release lost in the switch would cost.
        Assert.True(Stopwatch.GetElapsedTime(switchedAt, freed) < MoveBound + FreeBound, $"a posting was bid on again only {Stopwatch.GetElapsedTime(switchedAt, freed).TotalMilliseconds:F0} ms after the switch");
    }

    public void Dispose() => _folder.Dispose();

    /// <summary>When the last posting got its first bid after <paramref name="after"/>.</summary>
    private static async Task<long> EveryPostingBidAfterAsync(FailoverBidders bidders, long after)
    {
        var bids = await Task.WhenAll(Enumerable.Range(0, FailoverBidders.Postings).Select(posting => bidders.FirstAsync(
            line => line.Kind == "bid" && line.Subject == posting.ToString(CultureInfo.InvariantCulture) && line.At > after,
            $"a bid on posting {posting}")));
        return bids.Max(bid => bid.At);
    }

    private static void AssertNoOverlap(FailoverBidders bidders, IReadOnlyList<TestHost.FailoverBidderSummary> summaries)
    {
        Assert.Equal(0, summaries.Sum(summary => summary.LedgerErrors));
        Assert.Equal(0, FenceBreaks(bidders));
        // Every bid counted once: an overlap loses a count (the ledger's read, yield, write).
        Assert.Equal(summaries.Sum(summary => summary.Bids), Counted(bidders));
    }

    private static long Counted(FailoverBidders bidders) => Enumerable.Range(0, FailoverBidders.Postings).Sum(posting => bidders.Ledger.ReadCounter(posting));

    /// <summary>Fences not above the one before them on their posting, in the order the bodies wrote them.</summary>
    private static int FenceBreaks(FailoverBidders bidders) => Enumerable.Range(0, FailoverBidders.Postings)
        .Select(posting => bidders.Ledger.ReadFences(posting))
        .Sum(fences => fences.Zip(fences.Skip(1)).Count(pair => pair.Second <= pair.First));

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    private static string Describe(IEnumerable<TimeSpan> spans) => string.Join(", ", spans.Select(span => span.TotalMilliseconds.ToString("F0", CultureInfo.InvariantCulture) + " ms"));
}
