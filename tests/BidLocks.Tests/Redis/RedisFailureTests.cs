namespace BidLocks.Tests.Redis;

/// <summary>Redis dying, restarting empty, and having keys changed behind a holder's back.</summary>
public sealed class RedisFailureTests(SharedRedisServer shared)
{
    private readonly string _marketplace = "mkt-" + Guid.NewGuid().ToString("N");

    [Fact(Timeout = 120_000)]
    public async Task Redis_killed_mid_run_fails_closed_and_recovers_once_restarted()
    {
        await using var server = await RedisServerProcess.StartAsync();
        await using var manager = await RedisTestConnections.ConnectAsync(server);
        var cancel = TestContext.Current.CancellationToken;
        var inside = new int[2];
        var overlaps = 0;
        var acquired = 0;
        long highestFence = 0;
        var killed = 0;
        var callsAfterKill = 0;
        var succeededAfterKill = 0;
        var failedAfterKill = 0;
        var warmedUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var failuresSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource();

        var workers = Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            var posting = worker % 2;
            while (!stop.IsCancellationRequested)
            {
                // A call that starts after the kill can only be answered by a dead server.
                var startedAfterKill = Volatile.Read(ref killed) == 1;
                if (startedAfterKill)
                {
                    Interlocked.Increment(ref callsAfterKill);
                }

                try
                {
                    await using var lease = await manager.AcquireAsync(_marketplace, $"posting-{posting}", TimeSpan.FromSeconds(10), cancel);
                    if (startedAfterKill)
                    {
                        Interlocked.Increment(ref succeededAfterKill);
                    }

                    if (Interlocked.Increment(ref inside[posting]) != 1)
                    {
                        Interlocked.Increment(ref overlaps);
                    }

                    InterlockedMax(ref highestFence, lease.FencingToken);
                    if (Interlocked.Increment(ref acquired) >= 100)
                    {
                        warmedUp.TrySetResult();
                    }

                    await Task.Yield();
                    Interlocked.Decrement(ref inside[posting]);
                }
                catch (BidLockUnavailableException)
                {
                    if (startedAfterKill && Interlocked.Increment(ref failedAfterKill) >= 50)
                    {
                        failuresSeen.TrySetResult();
                    }

                    // Pacing only: a dead server answers at once, and a tight loop would starve the test's own work.
                    await Task.Delay(5, CancellationToken.None);
                }
            }
        }, CancellationToken.None)).ToArray();

        await warmedUp.Task.WaitAsync(TimeSpan.FromSeconds(60), cancel);
        await server.KillAsync();
        Volatile.Write(ref killed, 1);
        await failuresSeen.Task.WaitAsync(TimeSpan.FromSeconds(60), cancel);
        var unhealthy = await manager.CheckHealthAsync(cancel);
        await stop.CancelAsync();
        await Task.WhenAll(workers);

        Assert.Equal(0, succeededAfterKill);
        Assert.Equal(callsAfterKill, failedAfterKill);
        Assert.Equal(0, overlaps);
        Assert.Equal(BidLockHealthStatus.Unhealthy, unhealthy.Status);
        Assert.True(manager.GetMetrics().BackendErrors >= 50);

        // Back on the same port, empty: the same manager works again without a restart of its own.
        await server.RestartAsync();
        var fenceAfter = await AcquireWhenBackAsync(manager, "posting-0");
        Assert.True(fenceAfter > Interlocked.Read(ref highestFence), $"{fenceAfter} after {highestFence}");
        Assert.Equal(BidLockHealthStatus.Healthy, (await manager.CheckHealthAsync(cancel)).Status);
    }

    [Fact(Timeout = 120_000)]
    public async Task Fences_never_go_back_after_a_restart_that_lost_every_key()
    {
        await using var server = await RedisServerProcess.StartAsync();
        await using var manager = await RedisTestConnections.ConnectAsync(server);
        var cancel = TestContext.Current.CancellationToken;
        long before;
        await using (var lease = await manager.AcquireAsync(_marketplace, "fenced", cancellationToken: cancel))
        {
            before = lease.FencingToken;
        }

        await server.KillAsync();
        await server.RestartAsync();
        using (var raw = await RedisTestConnections.RawAsync(server))
        {
            Assert.False(await raw.GetDatabase().KeyExistsAsync(RedisTestConnections.LockKey(_marketplace, "fenced") + ":fence"));
        }

        var after = await AcquireWhenBackAsync(manager, "fenced");

        Assert.True(after > before, $"{after} after {before}");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_stored_fence_ahead_of_the_server_clock_still_increases()
    {
        await using var manager = await RedisTestConnections.ConnectAsync(shared.Server);
        using var raw = await RedisTestConnections.RawAsync(shared.Server);
        var cancel = TestContext.Current.CancellationToken;
        // As if the server's clock had stepped back a long way since the last fence was handed out.
        var ahead = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000) + 3_600_000_000_000;
        await raw.GetDatabase().StringSetAsync(RedisTestConnections.LockKey(_marketplace, "ahead") + ":fence", ahead);

        await using var first = await manager.AcquireAsync(_marketplace, "ahead", cancellationToken: cancel);
        Assert.True(await first.ReleaseAsync());
        await using var second = await manager.AcquireAsync(_marketplace, "ahead", cancellationToken: cancel);

        Assert.Equal(ahead + 1, first.FencingToken);
        Assert.Equal(ahead + 2, second.FencingToken);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_lock_key_deleted_behind_the_holder_fires_LostToken_and_its_late_release_returns_false()
    {
        await using var manager = await RedisTestConnections.ConnectAsync(shared.Server);
        await using var other = await RedisTestConnections.ConnectAsync(shared.Server);
        using var raw = await RedisTestConnections.RawAsync(shared.Server);
        var cancel = TestContext.Current.CancellationToken;
        // A short TTL so the next renewal, a third of it later, finds the key gone.
        var lease = await manager.AcquireAsync(_marketplace, "deleted", new BidLockAcquireOptions(Ttl: TimeSpan.FromMilliseconds(900)), cancel);
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lease.LostToken.Register(() => lost.TrySetResult());

        Assert.True(await raw.GetDatabase().KeyDeleteAsync(RedisTestConnections.LockKey(_marketplace, "deleted")));
        await lost.Task.WaitAsync(TimeSpan.FromSeconds(30), cancel);
        await using var next = await other.AcquireAsync(_marketplace, "deleted", TimeSpan.FromSeconds(10), cancel);

        Assert.True(lease.IsLost);
        Assert.False(await lease.ReleaseAsync());
        Assert.True(next.IsHeld);
        Assert.True(next.FencingToken > lease.FencingToken);
        Assert.Equal(1, manager.GetMetrics().LeasesLost);
    }

    private async Task<long> AcquireWhenBackAsync(IBidLockManager manager, string posting)
    {
        // The multiplexer reconnects on its own schedule; this only waits for the outcome, bounded.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                await using var lease = await manager.AcquireAsync(_marketplace, posting, TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
                return lease.FencingToken;
            }
            catch (BidLockUnavailableException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, TestContext.Current.CancellationToken);
            }
        }
    }

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Interlocked.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
