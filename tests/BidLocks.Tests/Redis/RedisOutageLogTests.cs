using BidLocks.Tests.Support;
using Microsoft.Extensions.Logging;

namespace BidLocks.Tests.Redis;

/// <summary>What the log says while Redis is down under load: a story of a few lines, not one error per call.</summary>
public sealed class RedisOutageLogTests
{
    private const string FirstFailure = "lock backend failed during";
    private const string StillFailing = "lock backend is still failing after";
    private const string Recovered = "lock backend answers again after an outage of";

    private readonly string _marketplace = "mkt-" + Guid.NewGuid().ToString("N");

    [Fact(Timeout = 180_000)]
    public async Task A_killed_Redis_logs_its_first_failure_then_summaries_then_one_recovery_line()
    {
        var interval = TimeSpan.FromMilliseconds(500);
        var logs = new CapturingLoggerFactory();
        await using var server = await RedisServerProcess.StartAsync();
        await using var manager = await RedisTestConnections.ConnectAsync(server, options =>
        {
            options.LoggerFactory = logs;
            options.FailureLogInterval = interval;
        });
        var cancel = TestContext.Current.CancellationToken;
        var acquired = 0;
        var failed = 0;
        var warmedUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource();

        // Six workers on three postings, as the issue's outage: every call during the kill fails closed.
        var workers = Enumerable.Range(0, 6).Select(worker => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await using var lease = await manager.AcquireAsync(_marketplace, $"posting-{worker % 3}", TimeSpan.FromSeconds(10), cancel);
                    if (Interlocked.Increment(ref acquired) >= 50)
                    {
                        warmedUp.TrySetResult();
                    }
                }
                catch (BidLockUnavailableException)
                {
                    Interlocked.Increment(ref failed);

                    // Pacing only: a dead server answers at once, and a tight loop would starve the test's own work.
                    await Task.Delay(5, CancellationToken.None);
                }
            }
        }, CancellationToken.None)).ToArray();

        try
        {
            await warmedUp.Task.WaitAsync(TimeSpan.FromSeconds(60), cancel);
            await server.KillAsync();
            var killedAt = DateTime.UtcNow;

            // Under load: hundreds of failed calls, then at least two summaries' worth of time.
            await Poll.UntilAsync(() => Volatile.Read(ref failed) >= 300, TimeSpan.FromSeconds(90), "300 failed calls");
            AssertBounded(logs, DateTime.UtcNow - killedAt, interval, Volatile.Read(ref failed));
            await Poll.UntilAsync(() => Lines(logs, StillFailing).Count >= 2, TimeSpan.FromSeconds(90), "two summary lines");
            AssertBounded(logs, DateTime.UtcNow - killedAt, interval, Volatile.Read(ref failed));
            var first = Assert.Single(Lines(logs, FirstFailure));
            Assert.Equal(LogLevel.Error, first.Level);
            Assert.Contains("   at ", first.Message);
            var summary = Lines(logs, StillFailing)[0];
            Assert.Equal(LogLevel.Error, summary.Level);
            Assert.Matches(@"\d+ more failed call\(s\) on [1-3] posting\(s\) since the last line; last error: \S", summary.Message);
            Assert.DoesNotContain("   at ", summary.Message);

            // The repeats are still there for whoever turns Debug on, stack traces included.
            Assert.True(logs.Entries.Count(entry => entry.Level == LogLevel.Debug && entry.Message.Contains("failed again during", StringComparison.Ordinal)) >= 100);

            await server.RestartAsync();
            await Poll.UntilAsync(() => Lines(logs, Recovered).Count > 0, TimeSpan.FromSeconds(60), "the recovery line");
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(workers);
        }

        var recovery = Assert.Single(Lines(logs, Recovered));
        Assert.Equal(LogLevel.Information, recovery.Level);
        Assert.Matches(@"after an outage of \d+ ms \(\d+ failed call\(s\)\)", recovery.Message);
        Assert.True(logs.Entries.ToList().FindIndex(entry => entry.Message.Contains(Recovered, StringComparison.Ordinal))
            > logs.Entries.ToList().FindLastIndex(entry => entry.Message.Contains(StillFailing, StringComparison.Ordinal)));
    }

    // The first failure, then at most one summary per interval (plus one for the interval under way).
    private static void AssertBounded(CapturingLoggerFactory logs, TimeSpan outage, TimeSpan interval, int failed)
    {
        var errors = logs.Entries.Where(entry => entry.Level >= LogLevel.Error).ToList();
        var most = 2 + (int)(outage / interval);
        Assert.True(errors.Count <= most, $"{errors.Count} error lines for {failed} failed calls in {outage.TotalSeconds:0.0} s (at most {most}); the first:\n"
            + string.Join('\n', errors.Take(2).Select(error => error.Message[..Math.Min(160, error.Message.Length)])));
    }

    private static List<(LogLevel Level, string Message)> Lines(CapturingLoggerFactory logs, string fragment)
        => [.. logs.Entries.Where(entry => entry.Message.Contains(fragment, StringComparison.Ordinal))];
}
