using System.Diagnostics;
using System.Globalization;
using BidLocks.Tests.Redis;
using BidLocks.Tests.Reliability;
using BidLocks.Tests.Support;
using StackExchange.Redis;

namespace BidLocks.Tests.Failover;

/// <summary>
/// A planned fail-over (<c>SENTINEL FAILOVER</c>) with <c>MinReplicas = 0</c>, one step at a time: from the replica's
/// promotion the old primary still grants locks but no longer copies them to the new one, so a manager must grant
/// nothing there from the fail-over's start on (not only from <c>+switch-master</c>, about a second after the
/// promotion); a lease whose lock the new primary lacks is set there again at the move; and a Sentinel that could not be
/// reached when the manager started is subscribed to once it answers.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class FailoverStartTests(ITestOutputHelper output)
{
    private readonly string _marketplace = "mkt-" + Guid.NewGuid().ToString("N");

    [Fact(Timeout = 120_000)]
    public async Task Once_the_replica_is_promoted_no_grant_comes_from_the_old_primary()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var redis = await ReplicatedRedis.StartAsync(replicas: 1);
        await using var sentinels = await RedisSentinels.StartAsync(redis);
        using var events = new OutputOnDispose(output, () => redis.Events() + "\n" + sentinels.Events());
        var logs = new CapturingLoggerFactory();
        await using var manager = await ConnectAsync(sentinels, logs);
        await (await manager.AcquireAsync(_marketplace, "warm-up", TimeSpan.Zero, cancel)).DisposeAsync();

        var replica = redis.Replicas[0];
        var promoted = replica.WaitForOutputAsync("MASTER MODE enabled", timeout: TimeSpan.FromSeconds(60));
        await sentinels.FailOverAsync();
        await promoted;
        var promotedAt = Stopwatch.GetTimestamp();

        // The replica took SLAVEOF NO ONE; the Sentinels announce +switch-master about a second later.
        string outcome;
        try
        {
            await using var lease = await manager.AcquireAsync(_marketplace, "after-the-promotion", TimeSpan.Zero, cancel);
            var onNewPrimary = (await ReplicatedRedis.ReadKeyAsync(replica, RedisTestConnections.LockKey(_marketplace, "after-the-promotion"))).Value;
            outcome = $"granted; the promoted replica holds '{onNewPrimary}'";
            Assert.True(
                onNewPrimary == lease.HolderId,
                $"a grant {Stopwatch.GetElapsedTime(promotedAt).TotalMilliseconds:F0} ms after the promotion came from the old primary: the promoted replica holds '{onNewPrimary}', not '{lease.HolderId}'");
        }
        catch (BidLockUnavailableException exception)
        {
            outcome = "refused: " + exception.Message;
        }

        output.WriteLine($"Acquire {Stopwatch.GetElapsedTime(promotedAt).TotalMilliseconds:F0} ms after the test saw the promotion: {outcome}");
        Assert.Contains("A Sentinel started a fail-over", logs.AllText, StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task A_lease_the_promoted_replica_lacks_is_set_there_again_at_the_move_and_not_lost()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var redis = await ReplicatedRedis.StartAsync(replicas: 1);
        await using var sentinels = await RedisSentinels.StartAsync(redis);
        using var events = new OutputOnDispose(output, () => redis.Events() + "\n" + sentinels.Events());
        var logs = new CapturingLoggerFactory();
        using var logLines = new OutputOnDispose(output, () => logs.AllText);
        await using var manager = await ConnectAsync(sentinels, logs);
        var key = RedisTestConnections.LockKey(_marketplace, "orphan");
        await using var lease = await manager.AcquireAsync(_marketplace, "orphan", new BidLockAcquireOptions(TimeSpan.Zero, TimeSpan.FromSeconds(60)), cancel);

        // The grant the replica never got (given after the promotion, or not yet copied when it came): made by hand,
        // once the replica has the copy, by deleting it there alone.
        var replica = redis.Replicas[0];
        using (var raw = await RedisTestConnections.RawAsync(redis.Primary))
        {
            await raw.GetServers()[0].ExecuteAsync("WAIT", 1, 30_000);
        }

        // redis-cli: StackExchange.Redis refuses to send a write to a server it knows as a replica.
        await RedisCliAsync(replica, "CONFIG", "SET", "replica-read-only", "no");
        Assert.Equal("1", await RedisCliAsync(replica, "DEL", key));
        await RedisCliAsync(replica, "CONFIG", "SET", "replica-read-only", "yes");

        await sentinels.FailOverAsync();
        Assert.Equal(replica.Port, await sentinels.WaitForSwitchAsync());
        using (var raw = await RedisTestConnections.RawAsync(replica))
        {
            await KeyspaceWatch.UntilAsync(raw, key, async database => await database.StringGetAsync(key) == lease.HolderId, cancel);
        }

        var (value, ttl) = await ReplicatedRedis.ReadKeyAsync(replica, key);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"The new primary holds '{value}' for {ttl?.TotalMilliseconds:F0} ms more; lease lost: {lease.LostToken.IsCancellationRequested}."));
        Assert.False(lease.LostToken.IsCancellationRequested, "the lease was reported lost");
        await using var other = await ConnectAsync(sentinels, new CapturingLoggerFactory());
        await Assert.ThrowsAsync<BidLockTimeoutException>(async () => await other.AcquireAsync(_marketplace, "orphan", TimeSpan.FromMilliseconds(200), cancel));
    }

    [Fact(Timeout = 120_000)]
    public async Task A_Sentinel_that_did_not_answer_when_the_manager_started_is_heard_once_it_does()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var redis = await ReplicatedRedis.StartAsync(replicas: 1);
        await using var sentinels = await RedisSentinels.StartAsync(redis);
        using var events = new OutputOnDispose(output, () => redis.Events() + "\n" + sentinels.Events());
        var logs = new CapturingLoggerFactory();

        // Only the Sentinel that runs a fail-over announces its start: the one the test asks (the first) is silent
        // while the manager starts, longer than the manager's connect bound.
        var leader = sentinels.Sentinels[0];
        leader.Pause();
        RedisBidLockManager manager;
        try
        {
            manager = await RedisBidLockManager.ConnectAsync(
                new BidLockOptions { RedisUrl = sentinels.Url(), LoggerFactory = logs, RedisConnectTimeout = TimeSpan.FromSeconds(2) },
                cancel);
            await Poll.UntilAsync(() => logs.AllText.Contains("Could not subscribe to the Sentinels", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the failed subscription logged");
        }
        finally
        {
            leader.Resume();
        }

        await using (manager)
        {
            await (await manager.AcquireAsync(_marketplace, "warm-up", TimeSpan.Zero, cancel)).DisposeAsync();
            await sentinels.FailOverAsync();
            await sentinels.WaitForSwitchAsync();
            await Poll.UntilAsync(() => logs.AllText.Contains("A Sentinel started a fail-over", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the manager hearing the fail-over's start from the Sentinel that ran it");
        }
    }

    private static async Task<string> RedisCliAsync(RedisServerProcess server, params string[] arguments)
    {
        var start = new ProcessStartInfo("redis-cli") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in (string[])["-p", server.Port.ToString(CultureInfo.InvariantCulture), .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var reply = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return reply.Trim();
    }

    private static Task<RedisBidLockManager> ConnectAsync(RedisSentinels sentinels, CapturingLoggerFactory logs)
        => RedisBidLockManager.ConnectAsync(
            new BidLockOptions { RedisUrl = sentinels.Url(), MinReplicas = 0, LoggerFactory = logs, DefaultTtl = TimeSpan.FromSeconds(30) },
            TestContext.Current.CancellationToken);
}
