using System.Diagnostics;
using System.Globalization;
using BidLocks.Tests.Redis;
using BidLocks.Tests.Sqlite;

namespace BidLocks.Tests.Reliability;

/// <summary>
/// Redis SIGKILLed in the middle of the soak and started again, empty, on the same port: every bid still ran under
/// the lock, the failures were counted, and the same processes went back to work by themselves.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class RedisRestartSoakTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDatabase _folder = new();

    [Fact(Timeout = 300_000)]
    public async Task Redis_killed_and_restarted_mid_soak_loses_no_bid_counts_errors_and_resumes_by_itself()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var server = await RedisServerProcess.StartAsync();
        await using var soak = await SoakProcesses.StartAsync(["--redis-url", server.Url], _folder.File("ledger"), TimeSpan.FromMinutes(1));

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
        var report = SoakReport.From(soak.Ledger, await soak.StopAsync());

        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Redis killed mid-soak: every process failing {Stopwatch.GetElapsedTime(killedAt, allFailing).TotalMilliseconds:F0} ms after the kill; "
                + $"restarted empty, every process bidding again {recovered.TotalMilliseconds:F0} ms after the restart. {report}"));
        Assert.Equal(0, report.Violations);
        Assert.Equal(0, report.FenceBreaks);
        Assert.True(report.Unavailable > 0, report.ToString());
        // Each refusal is counted by the manager too (a retried step may count more than once).
        Assert.True(report.BackendErrors >= report.Unavailable, report.ToString());
        Assert.True(recovered < TimeSpan.FromSeconds(60), $"recovered after {recovered}");
    }

    public void Dispose() => _folder.Dispose();
}
