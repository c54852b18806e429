using System.Diagnostics;
using System.Globalization;
using BidLocks.Tests.Redis;
using BidLocks.Tests.Reliability;

namespace BidLocks.Tests.Failover;

/// <summary>
/// The classic way a Redis lock fails: the primary is SIGKILLed right after a grant and a replica is promoted. Redis
/// replicates asynchronously, so whether the replica has the grant is a race; the tests make the losing side of the race
/// certain by cutting the replica's link before the grant (it then misses every write, as a replica behind a slow link
/// does at the moment its primary dies). Without <see cref="BidLockOptions.MinReplicas"/> the grant is lost and a second
/// holder gets the lock (with a higher fence); with MinReplicas = 1 a grant the replica missed never reaches the body,
/// and one it acknowledged survives the promotion.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class ReplicaPromotionFailoverTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(30);
    private readonly string _marketplace = "mkt-" + Guid.NewGuid().ToString("N");

    [Fact(Timeout = 120_000)]
    public async Task Without_MinReplicas_a_grant_the_replica_missed_is_lost_on_promotion_and_a_second_holder_gets_the_lock_with_a_higher_fence()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var redis = await ReplicatedRedis.StartAsync(replicas: 1);
        var replica = redis.Replicas[0];
        await using var first = await RedisTestConnections.ConnectAsync(redis.Primary, options => options.MinReplicas = 0);
        await redis.CutOffAsync(replica);

        var lease = await first.AcquireAsync(_marketplace, "posting", new BidLockAcquireOptions(TimeSpan.Zero, Ttl), cancel);
        await redis.Primary.KillAsync();
        await ReplicatedRedis.PromoteAsync(replica);
        await using var second = await RedisTestConnections.ConnectAsync(replica, options => options.MinReplicas = 0);
        var stolen = await second.TryAcquireAsync(_marketplace, "posting", TimeSpan.Zero, cancel);

        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"MinReplicas 0: the first holder's lease (fence {lease.FencingToken}, {Ttl.TotalSeconds:F0} s TTL) was granted by the primary only; after the promotion "
                + $"a second holder {(stolen is null ? "did not get" : $"got the same lock at once, fence {stolen.FencingToken}")}."));
        Assert.NotNull(stolen);
        Assert.True(stolen.FencingToken > lease.FencingToken, "the second holder's fence is not higher");
        Assert.True(lease.ExpiresAt > DateTimeOffset.UtcNow, "the first lease ran out: the test shows nothing");
    }

    [Fact(Timeout = 120_000)]
    public async Task With_MinReplicas_1_the_lock_survives_the_promotion_and_no_second_holder_gets_it()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var redis = await ReplicatedRedis.StartAsync(replicas: 1);
        var replica = redis.Replicas[0];
        await using var first = await RedisTestConnections.ConnectAsync(redis.Primary, options => options.MinReplicas = 1);

        var lease = await first.AcquireAsync(_marketplace, "posting", new BidLockAcquireOptions(TimeSpan.Zero, Ttl), cancel);
        // At once: the replica's acknowledgement is all that keeps the grant.
        await redis.Primary.KillAsync();
        await ReplicatedRedis.PromoteAsync(replica);
        // Read before the second holder tries: its try queues it and marks the hold as having waiters.
        var (value, timeToLive) = await ReplicatedRedis.ReadKeyAsync(replica, RedisTestConnections.LockKey(_marketplace, "posting"));
        await using var second = await RedisTestConnections.ConnectAsync(replica, options => options.MinReplicas = 0);
        var stolen = await second.TryAcquireAsync(_marketplace, "posting", TimeSpan.Zero, cancel);

        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"MinReplicas 1: after the promotion the lock still holds '{value}' for {timeToLive?.TotalMilliseconds:F0} ms more; a second holder got {(stolen is null ? "nothing" : "it")}."));
        Assert.Null(stolen);
        Assert.Equal(lease.HolderId, (string?)value);
        Assert.True(timeToLive > TimeSpan.Zero);
    }

    [Fact(Timeout = 120_000)]
    public async Task With_MinReplicas_1_a_grant_the_replica_missed_is_released_and_refused_and_the_body_does_not_run()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var redis = await ReplicatedRedis.StartAsync(replicas: 1);
        var replica = redis.Replicas[0];
        await using var manager = await RedisTestConnections.ConnectAsync(redis.Primary, options =>
        {
            options.MinReplicas = 1;
            options.MinReplicasTimeout = TimeSpan.FromMilliseconds(300);
        });
        await redis.CutOffAsync(replica);
        var bodies = 0;

        var started = Stopwatch.GetTimestamp();
        var refused = await Assert.ThrowsAsync<BidLockUnavailableException>(async () =>
        {
            await using var lease = await manager.AcquireAsync(_marketplace, "posting", TimeSpan.FromSeconds(5), cancel);
            bodies++;
        });
        var refusedAfter = Stopwatch.GetElapsedTime(started);
        var (value, _) = await ReplicatedRedis.ReadKeyAsync(redis.Primary, RedisTestConnections.LockKey(_marketplace, "posting"));
        var health = await manager.CheckHealthAsync(cancel);

        await redis.ReconnectAsync(replica);
        await using (var lease = await manager.AcquireAsync(_marketplace, "posting", TimeSpan.FromSeconds(5), cancel))
        {
            bodies++;
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Refused after {refusedAfter.TotalMilliseconds:F0} ms: {refused.Message}"));
        output.WriteLine($"Health meanwhile: {health.Status}: {health.Description}");
        Assert.Contains("only 0 of the 1 replica(s)", refused.Message, StringComparison.Ordinal);
        Assert.Contains("it was released and the body did not run", refused.Message, StringComparison.Ordinal);
        Assert.True(value.IsNull, $"the refused grant is still in Redis: {value}");
        // No grant can succeed meanwhile: Unhealthy, not Degraded.
        Assert.Equal(BidLockHealthStatus.Unhealthy, health.Status);
        Assert.Contains("Only 0 replica(s) answering, MinReplicas 1", health.Description, StringComparison.Ordinal);
        // Refused, then (the replica back) granted: exactly one body ran.
        Assert.Equal(1, bodies);
        Assert.Equal(1, manager.GetMetrics().BackendErrors);
    }
}
