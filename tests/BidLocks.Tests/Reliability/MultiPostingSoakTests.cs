using BidLocks.TestHost;
using BidLocks.Tests.Redis;
using BidLocks.Tests.Sqlite;

namespace BidLocks.Tests.Reliability;

/// <summary>
/// Multi-posting locks across processes: four processes take overlapping sets named in opposite orders
/// ({A,B}, {B,A}, {A,B,C}, {C,B}) for 15 s, each held set a read-modify-write of every posting's counter in a ledger
/// the lock does not touch, with every fourth call a no-wait probe (the set plus a posting of its own that it always
/// gets first) that must give back what it took when it fails.
/// The control takes the same postings one lock at a time in the listed order, and deadlocks.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class MultiPostingSoakTests(ITestOutputHelper output) : IDisposable
{
    // Patient calls wait this long: far longer than any fair wait behind three other sets (the longest seen is under
    // 1.5 s), so a timeout, or a call still waiting after half of it when the run stops, means a deadlock.
    private static readonly TimeSpan PatientTimeout = TimeSpan.FromSeconds(12);
    private readonly TempDatabase _folder = new();

    [Fact(Timeout = SoakDuration.TestTimeoutMs)]
    public async Task Redis_opposite_order_sets_never_overlap_deadlock_or_stay_partly_held()
    {
        await using var server = await RedisServerProcess.StartAsync();

        var report = await SoakAsync("redis", ["--redis-url", server.Url], async () => await RedisBidLockManager.ConnectAsync(new BidLockOptions { RedisUrl = server.Url }), TestContext.Current.CancellationToken);

        AssertClean(report);
    }

    [Fact(Timeout = SoakDuration.TestTimeoutMs)]
    public async Task Sqlite_opposite_order_sets_never_overlap_deadlock_or_stay_partly_held()
    {
        var report = await SoakAsync("sqlite", ["--db", _folder.Path], () => Task.FromResult<IBidLockManager>(new SqliteBidLockManager(_folder.Path)), TestContext.Current.CancellationToken);

        AssertClean(report);
    }

    [Fact(Timeout = 120_000)]
    public async Task Taking_the_same_postings_one_lock_at_a_time_in_the_listed_order_deadlocks()
    {
        // The control: proves that the soak above would see a deadlock. With a 1 s timeout, four seconds are plenty.
        var report = await SoakAsync("by hand", ["--db", _folder.Path], () => Task.FromResult<IBidLockManager>(new SqliteBidLockManager(_folder.Path)), TestContext.Current.CancellationToken,
            TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(1), byHand: true);

        Assert.True(report.Deadlocks > 0, report.ToString());
        Assert.Equal(0, report.Overlaps);
    }

    public void Dispose() => _folder.Dispose();

    private async Task<MultiSoakReport> SoakAsync(string name, string[] backend, Func<Task<IBidLockManager>> checker, CancellationToken cancellationToken, TimeSpan? length = null, TimeSpan? timeout = null, bool byHand = false)
    {
        var duration = length ?? SoakDuration.Value;
        await using var soak = await MultiSoakProcesses.StartAsync(backend, _folder.File("ledger"), timeout ?? PatientTimeout, duration, byHand);
        // The run length itself, not a wait for something to happen.
        await Task.Delay(duration, cancellationToken);
        var summaries = await soak.StopAsync();
        var leftHeld = await CountHeldAsync(checker, soak.Marketplace, cancellationToken);
        await soak.ExitAsync();
        var report = MultiSoakReport.From(soak.Ledger, summaries, leftHeld);
        output.WriteLine($"Multi-posting soak ({name}): {report}");
        return report;
    }

    /// <summary>Postings that a manager of the test's own cannot take at once while the processes, done bidding, still run.</summary>
    private static async Task<int> CountHeldAsync(Func<Task<IBidLockManager>> checker, string marketplace, CancellationToken cancellationToken)
    {
        await using var manager = await checker();
        var held = 0;
        foreach (var posting in MultiSoakProcesses.AllPostings)
        {
            await using var lease = await manager.TryAcquireAsync(marketplace, posting, TimeSpan.Zero, cancellationToken);
            held += lease is null ? 1 : 0;
        }

        return held;
    }

    private static void AssertClean(MultiSoakReport report)
    {
        Assert.Equal(0, report.Overlaps);
        Assert.Equal(0, report.FenceBreaks);
        Assert.Equal(0, report.Deadlocks);
        Assert.Equal(0, report.Unavailable);
        Assert.Equal(0, report.LeftHeld);
        // Every process, whatever order it names its set in, got it again and again (a deadlocked run gets a few sets
        // at most; a healthy one hundreds, fewer on a loaded machine); and failed probes really did take part of a set
        // and give it back.
        Assert.All(report.SetsPerProcess, sets => Assert.True(sets > 10, report.ToString()));
        Assert.True(report.ProbeRollbacks > 0, report.ToString());
    }
}
