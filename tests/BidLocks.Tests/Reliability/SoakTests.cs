using BidLocks.Tests.Garnet;
using BidLocks.Tests.Redis;
using BidLocks.Tests.Sqlite;

namespace BidLocks.Tests.Reliability;

/// <summary>
/// The soak: 4 processes x 16 workers x 50 postings on one backend (the Redis one on Redis and on Garnet), each bid a read-modify-write of a counter
/// in a ledger the lock does not touch. 15 s per backend in the normal run; <c>BIDLOCKS_SOAK_SECONDS=600</c> for ten minutes.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class SoakTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDatabase _folder = new();

    [Fact(Timeout = SoakDuration.TestTimeoutMs)]
    public async Task Redis_soak_has_no_violations_and_fences_increase_per_posting()
    {
        await using var server = await RedisServerProcess.StartAsync();

        var report = await SoakAsync("redis", ["--redis-url", server.Url], TestContext.Current.CancellationToken);

        AssertClean(report);
    }

    [Fact(Timeout = SoakDuration.TestTimeoutMs)]
    public async Task Garnet_soak_has_no_violations_and_fences_increase_per_posting()
    {
        await using var server = await GarnetServerProcess.StartAsync();

        var report = await SoakAsync("garnet", ["--redis-url", server.Url], TestContext.Current.CancellationToken);

        AssertClean(report);
    }

    [Fact(Timeout = SoakDuration.TestTimeoutMs)]
    public async Task Sqlite_soak_has_no_violations_and_fences_increase_per_posting()
    {
        var report = await SoakAsync("sqlite", ["--db", _folder.Path], TestContext.Current.CancellationToken);

        AssertClean(report);
    }

    [Fact(Timeout = 120_000)]
    public async Task Without_the_lock_the_same_ledger_shows_violations()
    {
        // The control: proves that the checks above would see an overlap. Two seconds are plenty to lose counts.
        var report = await SoakAsync("no lock", ["--db", _folder.Path], TestContext.Current.CancellationToken, TimeSpan.FromSeconds(2), withoutLock: true);

        Assert.True(report.Violations > 0, report.ToString());
        Assert.True(report.FenceBreaks > 0, report.ToString());
    }

    public void Dispose() => _folder.Dispose();

    private async Task<SoakReport> SoakAsync(string name, string[] backend, CancellationToken cancellationToken, TimeSpan? length = null, bool withoutLock = false)
    {
        var duration = length ?? SoakDuration.Value;
        await using var soak = await SoakProcesses.StartAsync(backend, _folder.File("ledger"), duration, withoutLock);
        // The run length itself, not a wait for something to happen.
        await Task.Delay(duration, cancellationToken);
        var report = SoakReport.From(soak.Ledger, await soak.StopAsync());
        output.WriteLine($"Soak ({name}): {report}");
        return report;
    }

    private static void AssertClean(SoakReport report)
    {
        Assert.Equal(0, report.Violations);
        Assert.Equal(0, report.FenceBreaks);
        Assert.Equal(0, report.Unavailable);
        Assert.Equal(0, report.Timeouts);
        // Enough bids that the postings were really contended across processes.
        Assert.True(report.Bids > 1000, report.ToString());
        Assert.True(report.Conflicts > 0, report.ToString());
    }
}
