using BidLocks.Tests.Redis;
using BidLocks.Tests.Sqlite;

namespace BidLocks.Tests.Reliability;

/// <summary>
/// A waiting set keeps nobody off what it cannot use yet, across processes (docs/multi-posting.md): one process bids
/// bundles of 3 postings while three processes bid single postings on the same 4 postings, each bid a read-modify-write
/// of the posting's counter in a ledger the lock does not touch.
/// A set taken whole waits holding nothing: it first only looks (a posting released meanwhile goes to
/// whoever waits for it), then queues on its first busy posting and keeps what it is handed below it, so the stream of
/// single bids can neither be blocked by it nor starve it.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class BundleAmongSinglesTests(ITestOutputHelper output) : IDisposable
{
    // Far longer than the run: a starved bundle must show as a wait past the bound, not as a timeout that hides how long.
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(120);
    private readonly TempDatabase _folder = new();

    [Fact(Timeout = SoakDuration.TestTimeoutMs)]
    public async Task Redis_a_bundle_bidder_gets_its_turns_among_three_single_bidders()
    {
        await using var server = await RedisServerProcess.StartAsync();

        AssertFair(await RunAsync("redis", ["--redis-url", server.Url], BidLockManagerBase.SetLooksBeforeWaitingInLine, TestContext.Current.CancellationToken));
    }

    [Fact(Timeout = SoakDuration.TestTimeoutMs)]
    public async Task Sqlite_a_bundle_bidder_gets_its_turns_among_three_single_bidders()
    {
        AssertFair(await RunAsync("sqlite", ["--db", _folder.Path], BidLockManagerBase.SetLooksBeforeWaitingInLine, TestContext.Current.CancellationToken));
    }

    public void Dispose() => _folder.Dispose();

    private async Task<BundleAmongSinglesReport> RunAsync(string name, string[] backend, int looks, CancellationToken cancellationToken)
    {
        var duration = SoakDuration.Value;
        await using var bidders = await BundleBidderProcesses.StartAsync(backend, _folder.File("run"), CallTimeout, duration);
        // The run length itself, not a wait for something to happen.
        await Task.Delay(duration, cancellationToken);
        var (summaries, holds) = await bidders.StopAsync();
        var report = BundleAmongSinglesReport.From(bidders.Ledger, summaries, holds, looks);
        output.WriteLine($"Bundles among singles ({name}): {report}");
        return report;
    }

    private static void AssertFair(BundleAmongSinglesReport report)
    {
        Assert.Equal(0, report.Overlaps);
        Assert.Equal(0, report.FenceBreaks);
        Assert.Equal(0, report.Timeouts);
        Assert.Equal(0, report.Unavailable);
        // The bundle bidder gets its turns again and again (a starved one gets a handful, or none, in the run), and no
        // bundle waits past the bound the documentation states, measured in the run's own turns.
        Assert.True(report.BundlesPlaced >= 20, report.ToString());
        Assert.True(report.LongestBundleWaitMs <= report.BoundMs, report.ToString());
        // The single bidders keep bidding beside it: a waiting bundle holds none of the postings it cannot use yet.
        Assert.All(report.SingleBidsPerProcess, bids => Assert.True(bids >= 50, report.ToString()));
    }
}
