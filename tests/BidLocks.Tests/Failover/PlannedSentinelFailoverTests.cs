using System.Diagnostics;
using System.Globalization;
using BidLocks.Tests.Redis;
using BidLocks.Tests.Reliability;
using StackExchange.Redis;

namespace BidLocks.Tests.Failover;

/// <summary>
/// A planned fail-over (<c>SENTINEL FAILOVER</c>) under bidding by three managers, each its own client as three
/// application instances are: the old primary stays up and writable until Sentinel makes it a replica, about ten seconds
/// later. From the moment a manager hears <c>+switch-master</c> it grants nothing until it writes to the primary the
/// Sentinels named, which it must do within <see cref="MoveBound"/> (StackExchange.Redis by itself, seeing two servers
/// that say "master", kept writing to the old one until Sentinel turned it round); no two bodies of one posting overlap;
/// fences only go up; and no posting stays locked by a release the old primary answered.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class PlannedSentinelFailoverTests(ITestOutputHelper output)
{
    /// <summary>
    /// How soon after the announcement every manager must write to the new primary: hearing the announcement and opening
    /// a connection to the named server, measured at about 0.1 s here, with a wide margin for a test machine shared by
    /// several test runs. A manager that misses the announcement moves when the old primary drops its connections (all
    /// three at 9.1 s once on a clean CI machine), so the bound is the README's 15 s, not the 0.1 s a heard move takes.
    /// </summary>
    private static readonly TimeSpan MoveBound = TimeSpan.FromSeconds(15);

    /// <summary>How long a manager may take to hear <c>+switch-master</c> after a Sentinel printed it (localhost pub/sub on a loaded machine).</summary>
    private static readonly TimeSpan HearingBound = TimeSpan.FromSeconds(2);

    /// <summary>How long after the move every posting must have been granted again: well under the 30 s lease a lost release would hold it for.</summary>
    private static readonly TimeSpan FreeBound = TimeSpan.FromSeconds(12);

    /// <summary>How long before a manager's move is seen by <see cref="WritesToAsync"/> it may have happened (its 50 ms pacing and six PINGs on a loaded machine).</summary>
    private static readonly TimeSpan PollMargin = TimeSpan.FromSeconds(1);

    private const int Postings = 4;
    private readonly string _marketplace = "mkt-" + Guid.NewGuid().ToString("N");

    [Theory(Timeout = 240_000)]
    [InlineData(0)]
    [InlineData(1)]
    public async Task Every_instance_moves_to_the_named_primary_soon_after_a_planned_fail_over(int minReplicas)
    {
        var cancel = TestContext.Current.CancellationToken;
        // MinReplicas = 1 needs two replicas: after the switch the new primary has one until Sentinel turns the old one round.
        await using var redis = await ReplicatedRedis.StartAsync(replicas: minReplicas + 1);
        await using var sentinels = await RedisSentinels.StartAsync(redis);
        using var events = new OutputOnDispose(output, () => redis.Events() + "\n" + sentinels.Events());
        var managers = new List<RedisBidLockManager>();
        try
        {
            for (var instance = 0; instance < 3; instance++)
            {
                managers.Add(await RedisBidLockManager.ConnectAsync(
                    new BidLockOptions { RedisUrl = sentinels.Url(), MinReplicas = minReplicas, DefaultTtl = TimeSpan.FromSeconds(30) },
                    cancel));
            }

            await using var bidding = BiddingLoop.Start(managers, _marketplace, workers: 4, postings: Postings);
            await Task.WhenAll(Enumerable.Range(0, Postings).Select(posting => bidding.FirstAsync(record => record.Succeeded && record.Posting == posting)));

            await sentinels.FailOverAsync();

            var newPort = await sentinels.WaitForSwitchAsync();
            var switchedAt = Stopwatch.GetTimestamp();
            var named = $"127.0.0.1:{newPort}";
            var moved = await Task.WhenAll(managers.Select(manager => WritesToAsync(manager, named, switchedAt)));

            var movedAt = Stopwatch.GetTimestamp();
            var freed = await Task.WhenAll(Enumerable.Range(0, Postings)
                .Select(posting => bidding.FirstAsync(record => record.Succeeded && record.Posting == posting && record.At > movedAt)));
            await bidding.StopAsync();

            var records = bidding.Records.ToList();
            var refusals = records.Where(record => !record.Succeeded).ToList();
            var longestFree = freed.Max(record => Stopwatch.GetElapsedTime(movedAt, record.At));
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"MinReplicas {minReplicas}: Sentinels announced 127.0.0.1:{newPort}; the managers wrote to it {string.Join(", ", moved.Select(time => $"{time.TotalMilliseconds:F0} ms"))} after; "
                    + $"every posting granted again within {longestFree.TotalMilliseconds:F0} ms of that; "
                    + $"{refusals.Count(refusal => refusal.Error is BidLockUnavailableException)} calls refused, {refusals.Count(refusal => refusal.Error is BidLockTimeoutException)} timed out, "
                    + $"{records.Count(record => record.Succeeded)} bids in all, overlaps {bidding.Overlaps}."));
            foreach (var message in refusals.Select(refusal => $"{refusal.Error!.GetType().Name}: {refusal.Error.Message}").Distinct().Take(6))
            {
                output.WriteLine($"Refused: {message}");
            }

            Assert.NotEqual(redis.Primary.Port, newPort);
            Assert.All(moved, time => Assert.True(time < MoveBound, $"a manager wrote to the named primary only {time.TotalMilliseconds:F0} ms after +switch-master"));
            // Until the first manager writes to the named primary, every manager still writes to the old one: once they have
            // heard the announcement, nothing it grants may count.
            // The move is seen by polling: a manager may have moved (and granted) up to a poll before it was seen.
            var firstMoved = switchedAt + (long)((moved.Min() - PollMargin).TotalSeconds * Stopwatch.Frequency);
            var heard = switchedAt + (long)(HearingBound.TotalSeconds * Stopwatch.Frequency);
            var grantedByOldPrimary = records.Count(record => record.Succeeded && record.At > heard && record.At < firstMoved);
            Assert.True(grantedByOldPrimary == 0, $"{grantedByOldPrimary} bids ran on grants of the old primary after +switch-master");
            Assert.Equal(0, bidding.Overlaps);
            Assert.All(refusals, refusal => Assert.True(refusal.Error is BidLockUnavailableException or BidLockTimeoutException, refusal.Error!.ToString()));
            Assert.True(longestFree < FreeBound, $"a posting was granted again only {longestFree.TotalMilliseconds:F0} ms after every manager had moved");
            // A grant by the old primary after the switch would show as a fence below one the new primary gave before it.
            foreach (var posting in Enumerable.Range(0, Postings))
            {
                var fences = records.Where(record => record.Succeeded && record.Posting == posting).OrderBy(record => record.At).Select(record => record.Fence).ToList();
                Assert.True(fences.SequenceEqual(fences.Order()), $"fences of posting {posting} went back: {string.Join(',', fences.TakeLast(40))}");
            }
        }
        finally
        {
            foreach (var manager in managers)
            {
                await manager.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// How long after <paramref name="switchedAt"/> the manager's commands went to <paramref name="named"/>: each of
    /// several picks of its primary (the client takes turns among servers that say "master" when it elected none).
    /// Read every 50 ms, up to 60 s, so that a slow move is measured rather than cut short.
    /// </summary>
    private static async Task<TimeSpan> WritesToAsync(RedisBidLockManager manager, string named, long switchedAt)
    {
        while (Stopwatch.GetElapsedTime(switchedAt) < TimeSpan.FromSeconds(60))
        {
            // Read each time: the manager moves its lock steps to another connection.
            var database = manager.LockDatabase;
            var picks = new List<string>();
            try
            {
                // Each pick is a PING to the server the client chose.
                for (var pick = 0; pick < 6; pick++)
                {
                    var endpoint = await database.IdentifyEndpointAsync(default, CommandFlags.DemandMaster);
                    picks.Add(endpoint is null ? "(none)" : endpoint.ToString()!);
                }
            }
            catch (Exception exception) when (exception is RedisConnectionException or RedisTimeoutException)
            {
                // No primary at all just now: not moved yet.
                picks.Add("(none)");
            }

            if (picks.TrueForAll(pick => pick == named))
            {
                return Stopwatch.GetElapsedTime(switchedAt);
            }

            // Pacing only: the client's choice is read, not waited on.
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        return Stopwatch.GetElapsedTime(switchedAt);
    }
}
