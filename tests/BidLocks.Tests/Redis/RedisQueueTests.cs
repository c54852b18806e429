using BidLocks.Tests.Support;
using StackExchange.Redis;

namespace BidLocks.Tests.Redis;

/// <summary>
/// The cross-process queue in Redis: while anyone is queued nobody outside the queue takes the lock, a waiter that
/// leaves for any reason takes its place with it, and arrivals keep their exact order.
/// </summary>
public sealed class RedisQueueTests(SharedRedisServer redis)
{
    private readonly string _marketplace = "mkt-" + Guid.NewGuid().ToString("N");

    [Fact(Timeout = 60_000)]
    public async Task A_newcomer_does_not_pass_a_queued_waiter_when_the_lock_falls_free()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var newcomerInstance = await RedisTestConnections.ConnectAsync(redis.Server);
        using var raw = await RedisTestConnections.RawAsync(redis.Server);
        var db = raw.GetDatabase();
        var lockKey = RedisTestConnections.LockKey(_marketplace, "barging");

        // The lock is free (its holder's hold ran out) while a live waiter of another process is queued, asleep
        // until its next try: written here as the protocol leaves it (the hold's expiry in the value, already past;
        // the key kept alive for the waiter), so no retry of the waiter's can race the test.
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await db.SortedSetAddAsync(lockKey + ":queue", "sleeping-waiter", 1);
        await db.HashSetAsync(lockKey + ":waiters", "sleeping-waiter", now + 60_000);
        Assert.True(await db.StringSetAsync(lockKey, $"+{now - 1}:crashed-holder", TimeSpan.FromMinutes(1)));

        var barged = await newcomerInstance.TryAcquireAsync(_marketplace, "barging", TimeSpan.Zero, cancel);

        Assert.Null(barged);
        // The lock is reserved for the waiter at the head, and the newcomer left no place behind.
        Assert.Equal("~", (string?)await db.StringGetAsync(lockKey));
        Assert.Equal(["sleeping-waiter"], (await db.SortedSetRangeByRankAsync(lockKey + ":queue")).Select(member => (string)member!));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_waiter_queued_behind_a_hold_that_runs_out_gets_the_lock_before_a_newcomer()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var crashed = await RedisTestConnections.ConnectAsync(redis.Server);
        await using var waiterInstance = await RedisTestConnections.ConnectAsync(redis.Server);
        await using var newcomerInstance = await RedisTestConnections.ConnectAsync(redis.Server);
        using var raw = await RedisTestConnections.RawAsync(redis.Server);
        var lockKey = RedisTestConnections.LockKey(_marketplace, "expired-holder");
        Assert.True(await crashed.AcquireLockAsync(_marketplace, "expired-holder", "crashed-holder", cancellationToken: cancel));
        var waiter = Task.Run(async () => await waiterInstance.AcquireAsync(_marketplace, "expired-holder", TimeSpan.FromSeconds(30), cancel), cancel);
        await KeyspaceWatch.UntilAsync(raw, lockKey + ":queue", async db => await db.SortedSetLengthAsync(lockKey + ":queue") == 1, cancel);

        // The crashed holder's hold runs out: its expiry, kept in the value since the waiter queued, moved into the
        // past here rather than waited for. The key itself stays, as it must while anyone waits.
        var flagged = (string?)await raw.GetDatabase().StringGetAsync(lockKey);
        Assert.NotNull(flagged);
        Assert.Equal("crashed-holder", flagged[(flagged.IndexOf(':') + 1)..]);
        Assert.True(await raw.GetDatabase().StringSetAsync(lockKey, $"+{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 1}:crashed-holder", expiry: null, keepTtl: true));
        var newcomer = await newcomerInstance.TryAcquireAsync(_marketplace, "expired-holder", TimeSpan.Zero, cancel);
        await using var served = await waiter;

        Assert.Null(newcomer);
        Assert.EndsWith(served.HolderId, (string?)await raw.GetDatabase().StringGetAsync(lockKey));
    }

    public static TheoryData<string> Faults => ["cancelled", "connection dropped"];

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(Faults))]
    public async Task A_waiter_whose_try_fails_after_queuing_leaves_no_place_behind(string fault)
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var holderInstance = await RedisTestConnections.ConnectAsync(redis.Server);
        await using var latecomer = await RedisTestConnections.ConnectAsync(redis.Server);
        using var raw = await RedisTestConnections.RawAsync(redis.Server);
        using var quit = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var queueKey = RedisTestConnections.LockKey(_marketplace, "failed-waiter") + ":queue";
        var options = new BidLockOptions { RedisUrl = redis.Url };
        var connection = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{redis.Server.Port}");
        var store = new RedisLockStore(connection, options, ownsConnection: true);
        await using var failing = new ManagerOverStore(
            new FaultAfterQueuingStore(store, () => fault == "cancelled"
                ? Cancelled(quit)
                : new RedisConnectionException(ConnectionFailureType.SocketFailure, "dropped after queuing")),
            options);
        var held = await holderInstance.AcquireAsync(_marketplace, "failed-waiter", cancellationToken: cancel);

        var error = await Assert.ThrowsAnyAsync<Exception>(async () => await failing.AcquireAsync(_marketplace, "failed-waiter", TimeSpan.FromSeconds(30), quit.Token));
        Assert.IsType(fault == "cancelled" ? typeof(OperationCanceledException) : typeof(BidLockUnavailableException), error, exactMatch: false);

        // Its place in the queue goes with it (a failed backend is left in the background, so wait for the event).
        await KeyspaceWatch.UntilAsync(raw, queueKey, async db => !await db.KeyExistsAsync(queueKey), cancel);
        Assert.True(await held.ReleaseAsync());
        await using var next = await latecomer.TryAcquireAsync(_marketplace, "failed-waiter", TimeSpan.Zero, cancel);
        Assert.NotNull(next);
    }

    [Fact(Timeout = 60_000)]
    public async Task Waiters_queue_in_exact_arrival_order_however_close_their_arrivals()
    {
        using var raw = await RedisTestConnections.RawAsync(redis.Server);
        var db = raw.GetDatabase();
        var lockKey = RedisTestConnections.LockKey(_marketplace, "order");
        var keys = new RedisKey[] { lockKey, lockKey + ":fence", lockKey + ":queue", lockKey + ":waiters" };
        Assert.True(await db.StringSetAsync(lockKey, "=owner", TimeSpan.FromMinutes(1)));

        // Sent in one pipeline, so the server runs them back to back, microseconds apart. The names sort the other way
        // round, so a tie in arrival would order them wrongly.
        var arrivals = Enumerable.Range(0, 200).Select(i => $"waiter-{999 - i:D3}").ToArray();
        var answers = arrivals.Select(holder => db.ScriptEvaluateAsync(RedisScripts.AcquireQueued, keys, [holder, 60_000, 60_000])).ToArray();
        await Task.WhenAll(answers).WaitAsync(TestContext.Current.CancellationToken);

        Assert.All(answers, answer => Assert.True((long)answer.Result < -1));
        Assert.Equal(arrivals, (await db.SortedSetRangeByRankAsync(lockKey + ":queue")).Select(member => (string)member!));
    }

    private static OperationCanceledException Cancelled(CancellationTokenSource source)
    {
        source.Cancel();
        return new OperationCanceledException(source.Token);
    }
}
