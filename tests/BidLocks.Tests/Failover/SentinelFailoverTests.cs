using System.Diagnostics;
using System.Globalization;
using BidLocks.Tests.Redis;
using BidLocks.Tests.Reliability;
using BidLocks.Tests.Support;
using StackExchange.Redis;

namespace BidLocks.Tests.Failover;

/// <summary>
/// A Sentinel-managed primary with two replicas, named by a <c>redis+sentinel://</c> URL, SIGKILLed while a manager bids
/// through it: the Sentinels promote a replica, and the same manager, not restarted, bids on the new primary; the calls
/// made during the switch are refused with <see cref="BidLockUnavailableException"/> and their bodies do not run; the
/// release notifications come from the new primary too; the password shows nowhere.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class SentinelFailoverTests(ITestOutputHelper output)
{
    private const string Password = "sentinel:p@ss/w%rd";
    private readonly string _marketplace = "mkt-" + Guid.NewGuid().ToString("N");

    [Fact(Timeout = 240_000)]
    public async Task A_Sentinel_URL_follows_a_fail_over_without_a_restart_and_refuses_calls_during_the_switch()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var redis = await ReplicatedRedis.StartAsync(replicas: 2, Password);
        await using var sentinels = await RedisSentinels.StartAsync(redis, Password);
        using var events = new OutputOnDispose(output, () => redis.Events() + "\n" + sentinels.Events());
        var logs = new CapturingLoggerFactory();
        await using var manager = await ConnectAsync(sentinels, logs);
        await using var other = await ConnectAsync(sentinels, new CapturingLoggerFactory());
        var clientEvents = new ConnectionEvents(manager.Connection);
        using var printEvents = new OutputOnDispose(output, clientEvents.Describe);

        var before = await manager.CheckHealthAsync(cancel);
        Assert.True(before.IsHealthy, before.Description);
        Assert.Contains($"127.0.0.1:{redis.Primary.Port}", before.Description, StringComparison.Ordinal);
        // A contended wait subscribes the manager to release notifications before the fail-over.
        await HandOverAsync(other, manager, redis.Primary, "hand-over-before");

        await using var bidding = BiddingLoop.Start(manager, _marketplace, workers: 4, postings: 2);
        await bidding.FirstAsync(record => record.Succeeded);
        var killedAt = Stopwatch.GetTimestamp();
        await redis.Primary.KillAsync();
        var firstRefusal = await bidding.FirstAsync(record => !record.Succeeded && record.At > killedAt);
        var newPort = await sentinels.WaitForSwitchAsync();
        var switchedAt = Stopwatch.GetTimestamp();
        var resumed = await bidding.FirstAsync(record => record.Succeeded && record.At > firstRefusal.At);
        // A little bidding on the new primary, then stop (a run length, not a wait for an event).
        await Task.Delay(TimeSpan.FromMilliseconds(500), cancel);
        await bidding.StopAsync();

        var promoted = redis.Replicas.Single(replica => replica.Port == newPort);
        var after = await manager.CheckHealthAsync(cancel);
        await HandOverAsync(other, manager, promoted, "hand-over-after");
        var afterHandOver = await manager.CheckHealthAsync(cancel);

        var records = bidding.Records.ToList();
        var refusals = records.Where(record => !record.Succeeded).ToList();
        var fencesBefore = records.Where(record => record.Succeeded && record.At < killedAt).Select(record => record.Fence).ToList();
        var fencesAfter = records.Where(record => record.Succeeded && record.At > firstRefusal.At).Select(record => record.Fence).ToList();
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Primary 127.0.0.1:{redis.Primary.Port} SIGKILLed; Sentinels announced 127.0.0.1:{newPort} {Stopwatch.GetElapsedTime(killedAt, switchedAt).TotalMilliseconds:F0} ms later; "
                + $"the same manager bid again {Stopwatch.GetElapsedTime(killedAt, resumed.At).TotalMilliseconds:F0} ms after the kill; "
                + $"{refusals.Count(refusal => refusal.Error is BidLockUnavailableException)} calls refused and {refusals.Count(refusal => refusal.Error is BidLockTimeoutException)} timed out meanwhile "
                + $"({records.Count(record => record.Succeeded)} bids in all, overlaps {bidding.Overlaps})."));
        output.WriteLine($"Health before: {before.Description}");
        output.WriteLine($"Health after: {after.Description} / after a hand-over: {afterHandOver.Description}");
        foreach (var message in refusals.Select(refusal => $"{refusal.Error!.GetType().Name}: {refusal.Error.Message}").Distinct().Take(8))
        {
            output.WriteLine($"Refused: {message}");
        }

        Assert.NotEqual(redis.Primary.Port, newPort);
        // Refused outright, or (a posting whose lock the switch kept until its release was sent again) timed out:
        // either way the body did not run.
        Assert.All(refusals, refusal => Assert.True(refusal.Error is BidLockUnavailableException or BidLockTimeoutException, refusal.Error!.ToString()));
        Assert.Equal(0, bidding.Overlaps);
        Assert.NotEmpty(fencesBefore);
        Assert.NotEmpty(fencesAfter);
        Assert.True(fencesAfter.Min() > fencesBefore.Max(), "fences went back across the fail-over");
        Assert.True(afterHandOver.IsHealthy, afterHandOver.Description);
        Assert.Contains($"127.0.0.1:{newPort}", afterHandOver.Description, StringComparison.Ordinal);
        Assert.True(manager.Connection.GetSubscriber().IsConnected(RedisChannel.Literal("bidlock:released")), "release notifications did not follow the fail-over");
        var everything = string.Join('\n', [logs.AllText, before.Description, after.Description, afterHandOver.Description, .. refusals.Select(refusal => refusal.Error!.ToString())]);
        Assert.DoesNotContain(Password, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(Uri.EscapeDataString(Password), everything, StringComparison.Ordinal);
    }

    /// <remarks>
    /// With the default <c>MinReplicas = 0</c> too: the release is sent again whatever MinReplicas is. The
    /// grant is then replicated before the kill by the test's own <c>WAIT</c>, as it usually is in a few milliseconds.
    /// </remarks>
    [Theory(Timeout = 240_000)]
    [InlineData(1)]
    [InlineData(0)]
    public async Task A_release_refused_during_the_switch_is_sent_again_to_the_new_primary(int minReplicas)
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var redis = await ReplicatedRedis.StartAsync(replicas: 2, Password);
        await using var sentinels = await RedisSentinels.StartAsync(redis, Password);
        using var events = new OutputOnDispose(output, () => redis.Events() + "\n" + sentinels.Events());
        await using var manager = await ConnectAsync(sentinels, new CapturingLoggerFactory(), minReplicas);
        var key = RedisTestConnections.LockKey(_marketplace, "held-through-the-switch");
        var lease = await manager.AcquireAsync(_marketplace, "held-through-the-switch", new BidLockAcquireOptions(TimeSpan.Zero, TimeSpan.FromSeconds(60)), cancel);
        using (var raw = await RedisTestConnections.RawAsync(redis.Primary))
        {
            await raw.GetServers()[0].ExecuteAsync("WAIT", redis.Replicas.Count, 30_000);
        }

        // What each replica holds before the kill: the promoted one's copy is what survives (read afterwards, the
        // release sent again may already have removed it).
        var copies = new Dictionary<int, RedisValue>();
        foreach (var replica in redis.Replicas)
        {
            copies[replica.Port] = (await ReplicatedRedis.ReadKeyAsync(replica, key)).Value;
        }

        await redis.Primary.KillAsync();
        // The holder is done while there is no primary: its release is refused, as every call is during the switch.
        await Assert.ThrowsAsync<BidLockUnavailableException>(async () => await lease.ReleaseAsync());
        var releasedAt = Stopwatch.GetTimestamp();
        var newPort = await sentinels.WaitForSwitchAsync();
        var promoted = redis.Replicas.Single(replica => replica.Port == newPort);
        var survived = copies[newPort];
        using (var raw = await RedisTestConnections.RawAsync(promoted))
        {
            await KeyspaceWatch.UntilAsync(raw, key, async database => !await database.KeyExistsAsync(key), cancel);
        }

        var freedAfter = Stopwatch.GetElapsedTime(releasedAt);
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"MinReplicas {minReplicas}: the grant survived the promotion ('{survived}'); the release refused during the switch reached the new primary {freedAfter.TotalMilliseconds:F0} ms after it was refused, not a 60 s TTL later."));
        Assert.Equal(lease.HolderId, (string?)survived);
        // The switch takes DownAfterMilliseconds plus a few seconds; the TTL is 60 s.
        Assert.True(freedAfter < TimeSpan.FromSeconds(40), $"the lock was freed only {freedAfter.TotalMilliseconds:F0} ms after its release was refused");
    }

    private static Task<RedisBidLockManager> ConnectAsync(RedisSentinels sentinels, CapturingLoggerFactory logs, int minReplicas = 1)
        => RedisBidLockManager.ConnectAsync(
            new BidLockOptions { RedisUrl = sentinels.Url(Password), MinReplicas = minReplicas, LoggerFactory = logs },
            TestContext.Current.CancellationToken);

    /// <summary>
    /// A lease from <paramref name="manager"/>, asked again after each refusal as a caller would: right after a
    /// fail-over, a manager that has not bid since may not have found the new primary yet, and one still settling
    /// refuses a grant whose acknowledgement straddled a reconnection.
    /// </summary>
    private async Task<BidLockLease> GrantedAsync(IBidLockManager manager, string posting)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            try
            {
                return await manager.AcquireAsync(_marketplace, posting, TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
            }
            catch (BidLockUnavailableException) when (Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(30))
            {
                // Pacing only.
                await Task.Delay(50, TestContext.Current.CancellationToken);
            }
        }
    }

    /// <summary>
    /// <paramref name="holder"/> holds a lock, <paramref name="waiter"/> queues for it (seen in the queue key on
    /// <paramref name="primary"/>), and the release hands it over.
    /// </summary>
    private async Task HandOverAsync(IBidLockManager holder, IBidLockManager waiter, RedisServerProcess primary, string posting)
    {
        var cancel = TestContext.Current.CancellationToken;
        var lease = await GrantedAsync(holder, posting);
        // Asked again after a refusal, as GrantedAsync does: the waiter may still be moving to the named primary.
        var waiting = GrantedAsync(waiter, posting);
        using (var raw = await RedisTestConnections.RawAsync(primary))
        {
            var queue = RedisTestConnections.LockKey(_marketplace, posting) + ":queue";
            await KeyspaceWatch.UntilAsync(raw, queue, async database => await database.SortedSetLengthAsync(queue) > 0, cancel);
        }

        await lease.ReleaseAsync();
        await using var handedOver = await waiting;
    }
}
