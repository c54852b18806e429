using System.Diagnostics;
using System.Globalization;
using BidLocks.Tests.Reliability;
using BidLocks.Tests.Sqlite;

namespace BidLocks.Tests.Failover;

/// <summary>
/// The soak's four bidder processes (<see cref="SoakProcesses"/>: 16 workers each, 50 postings, a ledger the lock does
/// not touch) on a Sentinel-managed primary with two replicas, <see cref="BidLockOptions.MinReplicas"/> = 1. The
/// primary is SIGKILLed mid-soak; the Sentinels promote a replica and the processes, not restarted, follow it. No bid
/// overlaps another on its posting and fences keep rising; the refused calls and the time until every process bids
/// again are recorded.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class SentinelFailoverSoakTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDatabase _folder = new();

    [Fact(Timeout = 300_000)]
    public async Task Four_bidding_processes_survive_a_Sentinel_fail_over_with_no_overlap_and_resume_by_themselves()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var redis = await ReplicatedRedis.StartAsync(replicas: 2);
        await using var sentinels = await RedisSentinels.StartAsync(redis);
        await using var soak = await SoakProcesses.StartAsync(["--redis-url", sentinels.Url(), "--min-replicas", "1"], _folder.File("ledger"), TimeSpan.FromMinutes(1));

        // Every process is bidding; a while later the primary dies under them. (The delays are run lengths, not waits.)
        await soak.WaitForStateAsync("ok", after: 0);
        await Task.Delay(TimeSpan.FromSeconds(2), cancel);
        var killedAt = Stopwatch.GetTimestamp();
        await redis.Primary.KillAsync();
        var allFailing = await soak.WaitForStateAsync("failing", after: killedAt);
        var newPort = await sentinels.WaitForSwitchAsync();
        var switchedAt = Stopwatch.GetTimestamp();
        // Nothing tells the processes where the primary went but the Sentinels: each finds out on its own.
        var allBidding = await soak.WaitForStateAsync("ok", after: killedAt);
        await Task.Delay(TimeSpan.FromSeconds(2), cancel);
        var report = SoakReport.From(soak.Ledger, await soak.StopAsync());

        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Sentinel fail-over mid-soak, MinReplicas 1: every process failing {Stopwatch.GetElapsedTime(killedAt, allFailing).TotalMilliseconds:F0} ms after the SIGKILL; "
                + $"the Sentinels announced 127.0.0.1:{newPort} after {Stopwatch.GetElapsedTime(killedAt, switchedAt).TotalMilliseconds:F0} ms; "
                + $"every process bidding again {Stopwatch.GetElapsedTime(killedAt, allBidding).TotalMilliseconds:F0} ms after the kill. {report}"));
        Assert.NotEqual(redis.Primary.Port, newPort);
        Assert.Equal(0, report.Violations);
        Assert.Equal(0, report.FenceBreaks);
        Assert.True(report.Unavailable > 0, report.ToString());
        // Bidding resumed by itself (allBidding above); how many bids fit in the run depends on the machine's load.
        Assert.True(report.Bids > 0, report.ToString());
    }

    public void Dispose() => _folder.Dispose();
}
