using System.Globalization;
using BidLocks.Tests.Support;
using StackExchange.Redis;

namespace BidLocks.Tests.Redis;

/// <summary>
/// A release with waiters costs one round trip: a hold granted after a wait (others were queued then, and most likely
/// still are) goes straight to the hand-over script, not first to the plain compare-and-delete that finds the waiters
/// and then sends the hand-over. Counted as scripts the server ran, on a server of the test's own.
/// </summary>
public sealed class RedisHandOverRoundTripTests
{
    private readonly string _marketplace = "mkt-" + Guid.NewGuid().ToString("N");

    [Fact(Timeout = 60_000)]
    public async Task Releasing_a_hold_granted_after_a_wait_hands_over_in_one_script()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var server = await RedisServerProcess.StartAsync();
        await using var first = await RedisTestConnections.ConnectAsync(server, LongTtl);
        await using var second = await RedisTestConnections.ConnectAsync(server, LongTtl);
        using var raw = await RedisTestConnections.RawAsync(server);

        // The second waits behind the first and gets the lock from it: a grant after a wait.
        var held = await first.AcquireAsync(_marketplace, "p", TimeSpan.FromSeconds(10), cancel);
        var waiting = Task.Run(async () => await second.AcquireAsync(_marketplace, "p", TimeSpan.FromSeconds(30), cancel), cancel);
        await Poll.UntilAsync(() => second.GetMetrics().LockConflicts > 0, TimeSpan.FromSeconds(20), "the second finding the lock taken");
        Assert.True(await held.ReleaseAsync());
        await using var lease = await waiting;

        // Another process queues behind it; then the release is counted.
        await QueueAsync(raw, "p", "next-waiter");
        var scripts = await ScriptsRunDuringAsync(raw, async () => Assert.True(await lease.ReleaseAsync()));

        Assert.Equal(1, scripts);
        Assert.Equal("~", (string?)await raw.GetDatabase().StringGetAsync(RedisTestConnections.LockKey(_marketplace, "p")));
    }

    [Fact(Timeout = 60_000)]
    public async Task Releasing_a_set_with_waiters_on_each_posting_runs_one_script_per_posting()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var server = await RedisServerProcess.StartAsync();
        await using var manager = await RedisTestConnections.ConnectAsync(server, LongTtl);
        using var raw = await RedisTestConnections.RawAsync(server);
        string[] postings = ["a", "b", "c"];

        var set = await manager.AcquireManyAsync(_marketplace, postings, new BidLockAcquireOptions(Timeout: TimeSpan.FromSeconds(10)), cancel);
        foreach (var posting in postings)
        {
            await QueueAsync(raw, posting, "waiter-" + posting);
        }

        var scripts = await ScriptsRunDuringAsync(raw, async () => Assert.True(await set.ReleaseAsync()));

        Assert.Equal(postings.Length, scripts);
        foreach (var posting in postings)
        {
            Assert.Equal("~", (string?)await raw.GetDatabase().StringGetAsync(RedisTestConnections.LockKey(_marketplace, posting)));
        }
    }

    // Renewals (a third of the TTL) stay out of the counted moment.
    private static void LongTtl(BidLockOptions options) => options.DefaultTtl = TimeSpan.FromMinutes(2);

    /// <summary>A waiter of another process joins the posting's queue, as its own acquire script would.</summary>
    private async Task QueueAsync(ConnectionMultiplexer raw, string posting, string waiter)
    {
        var code = (long)await raw.GetDatabase().ScriptEvaluateAsync(
            RedisScripts.AcquireQueued,
            RedisKeyNames.Queued(RedisTestConnections.LockKey(_marketplace, posting)),
            [waiter, 60_000, 60_000, 0]);
        Assert.True(code < -1, "the waiter queued");
    }

    private static async Task<long> ScriptsRunDuringAsync(ConnectionMultiplexer raw, Func<Task> action)
    {
        var server = raw.GetServers()[0];

        // Known to the server beforehand, so that no script is counted twice (refused as unknown, then sent whole).
        await server.ScriptLoadAsync(RedisScripts.ReleaseFast);
        await server.ScriptLoadAsync(RedisScripts.ReleaseQueued);
        await server.ConfigResetStatisticsAsync();
        await action();
        var stats = (await server.InfoAsync("commandstats")).SelectMany(group => group).ToList();
        return stats.Where(stat => stat.Key is "cmdstat_evalsha" or "cmdstat_eval")
            .Sum(stat => long.Parse(stat.Value.Split(',')[0]["calls=".Length..], CultureInfo.InvariantCulture));
    }
}
