using System.Diagnostics;
using System.Globalization;
using BidLocks.Tests.Redis;
using BidLocks.Tests.Sqlite;

namespace BidLocks.Tests.Reliability;

/// <summary>
/// Redis SIGKILLed in the middle of the soak and started again, empty, on the same port: every bid still ran under
/// the lock, the failures were counted, and the same processes went back to work by themselves. Beside the bids, each
/// process holds a posting of its own for longer than the outage (<see cref="BidLocks.TestHost.LongHold"/>): every such hold that spans
/// the restart hears through <see cref="BidLockLease.LostToken"/> that the restart lost its lock, about when its
/// process is back, instead of running on (it would not renew before its end).
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class RedisRestartSoakTests(ITestOutputHelper output) : IDisposable
{
    // Longer than the outage and than the run after it, and shorter than a renewal (TTL/3 = 10 s): before holds were
    // verified on reconnection, a hold spanning the restart never learned that it had lost its lock.
    private static readonly TimeSpan LongHoldLength = TimeSpan.FromSeconds(8);

    // Generous for four processes on a loaded two-core machine: one round trip after the last process is back.
    private static readonly TimeSpan LossSlack = TimeSpan.FromSeconds(3);

    private readonly TempDatabase _folder = new();

    [Fact(Timeout = 300_000)]
    public async Task Redis_killed_and_restarted_mid_soak_loses_no_bid_counts_errors_and_resumes_by_itself()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var server = await RedisServerProcess.StartAsync();
        await using var soak = await SoakProcesses.StartAsync(["--redis-url", server.Url], _folder.File("ledger"), TimeSpan.FromMinutes(1), longHolds: LongHoldLength);

        // Every process is bidding; a while later the server dies under them. (The delays are run lengths, not waits.)
        await soak.WaitForStateAsync("ok", after: 0);
        await Task.Delay(TimeSpan.FromSeconds(2), cancel);
        var killedAt = Stopwatch.GetTimestamp();
        await server.KillAsync();
        var allFailing = await soak.WaitForStateAsync("failing", after: killedAt);

        var restartedAt = Stopwatch.GetTimestamp();
        await server.RestartAsync();
        // Nothing tells the processes that Redis is back: each finds out on its own.
        var allWorking = await soak.WaitForStateAsync("ok", after: restartedAt);
        var recovered = Stopwatch.GetElapsedTime(restartedAt, allWorking);
        await Task.Delay(TimeSpan.FromSeconds(2), cancel);
        var summaries = await soak.StopAsync();
        var report = SoakReport.From(soak.Ledger, summaries);
        var spanning = summaries.SelectMany(summary => summary.LongHolds).Where(hold => hold.AcquiredAt < killedAt && hold.EndedAt > restartedAt).ToList();
        var lostAfterRestart = spanning.Where(hold => hold.Lost).Select(hold => Stopwatch.GetElapsedTime(restartedAt, hold.EndedAt)).ToList();

        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Redis killed mid-soak: every process failing {Stopwatch.GetElapsedTime(killedAt, allFailing).TotalMilliseconds:F0} ms after the kill; "
                + $"restarted empty, every process bidding again {recovered.TotalMilliseconds:F0} ms after the restart. {report}. "
                + $"Long holds ({LongHoldLength.TotalSeconds:F0} s) spanning the restart: {spanning.Count}, lost {lostAfterRestart.Count}, LostToken "
                + $"[{string.Join(", ", lostAfterRestart.Select(after => after.TotalMilliseconds.ToString("F0", CultureInfo.InvariantCulture)))}] ms after the restart."));
        Assert.Equal(0, report.Violations);
        Assert.Equal(0, report.FenceBreaks);
        Assert.True(report.Unavailable > 0, report.ToString());
        // Each refusal is counted by the manager too (a retried step may count more than once).
        Assert.True(report.BackendErrors >= report.Unavailable, report.ToString());
        Assert.True(recovered < TimeSpan.FromSeconds(60), $"recovered after {recovered}");
        Assert.NotEmpty(spanning);
        Assert.All(spanning, hold => Assert.True(hold.Lost, $"a hold (fence {hold.Fence}) spanning the restart ended without hearing that its lock was gone"));
        Assert.All(lostAfterRestart, after => Assert.True(after < recovered + LossSlack, $"LostToken {after} after the restart; every process was back {recovered} after it"));
    }

    public void Dispose() => _folder.Dispose();
}
