using System.Diagnostics;
using System.Globalization;
using BidLocks.Tests.Redis;
using BidLocks.Tests.Reliability;

namespace BidLocks.Tests.Failover;

/// <summary>
/// With <see cref="BidLockOptions.MinReplicas"/> = 1 and the replica SIGSTOPped (connected, silent),
/// every grant's <c>WAIT</c> blocks the lock connection for <see cref="BidLockOptions.MinReplicasTimeout"/>, one after
/// another. The health check must not queue behind them: it answers from what the manager knows (the last
/// <c>WAIT</c>'s count, the move state) and one PING that does not travel on the lock connection, within
/// <see cref="HealthBound"/>, and says Unhealthy, since no grant can succeed.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class StalledReplicaHealthTests(ITestOutputHelper output)
{
    /// <summary>The README's bound (the PING's 500 ms timeout and a few milliseconds of bookkeeping), with a margin for a loaded machine.</summary>
    private static readonly TimeSpan HealthBound = TimeSpan.FromMilliseconds(1500);

    private const int Checks = 5;
    private readonly string _marketplace = "mkt-" + Guid.NewGuid().ToString("N");

    [Fact(Timeout = 120_000)]
    public async Task Health_answers_within_the_bound_and_says_Unhealthy_while_WAIT_blocks_behind_a_silent_replica()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var redis = await ReplicatedRedis.StartAsync(replicas: 1);
        var replica = redis.Replicas[0];
        await using var manager = await RedisTestConnections.ConnectAsync(redis.Primary, options =>
        {
            options.MinReplicas = 1;
            options.MinReplicasTimeout = TimeSpan.FromSeconds(1);
        });
        await using var bidding = BiddingLoop.Start(manager, _marketplace, workers: 4, postings: 4);
        await bidding.FirstAsync(record => record.Succeeded);

        var checks = new List<(TimeSpan Took, BidLockHealth Health)>();
        replica.Pause();
        try
        {
            var pausedAt = Stopwatch.GetTimestamp();
            // The WAITs now run into their timeout: the first refusal says they queue on the connection.
            await bidding.FirstAsync(record => !record.Succeeded && record.At > pausedAt);
            for (var check = 0; check < Checks; check++)
            {
                var started = Stopwatch.GetTimestamp();
                var health = await manager.CheckHealthAsync(cancel);
                checks.Add((Stopwatch.GetElapsedTime(started), health));
            }
        }
        finally
        {
            replica.Resume();
        }

        await bidding.StopAsync();
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Replica SIGSTOPped under 4 bidding workers (MinReplicasTimeout 1 s): {Checks} health checks took {string.Join(", ", checks.Select(check => $"{check.Took.TotalMilliseconds:F0} ms"))}; "
                + $"the last said {checks[^1].Health.Status}: {checks[^1].Health.Description}"));
        Assert.All(checks, check => Assert.True(check.Took < HealthBound, $"a health check took {check.Took.TotalMilliseconds:F0} ms: {check.Health.Description}"));
        Assert.All(checks, check => Assert.Equal(BidLockHealthStatus.Unhealthy, check.Health.Status));
        Assert.All(checks, check => Assert.Contains("Only 0 replica(s) answering, MinReplicas 1", check.Health.Description, StringComparison.Ordinal));
    }
}
