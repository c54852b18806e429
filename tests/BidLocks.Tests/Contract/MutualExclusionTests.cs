namespace BidLocks.Tests.Contract;

public abstract partial class BidLockManagerContract
{
    [Fact(Timeout = 120_000)]
    public async Task Concurrent_holders_of_one_key_never_overlap()
    {
        var manager = await CreateManagerAsync();
        const int Tasks = 64, Keys = 4, RoundsPerTask = 5;
        var counters = new int[Keys];
        var inside = new int[Keys];
        var overlaps = 0;

        await Task.WhenAll(Enumerable.Range(0, Tasks).Select(worker => InFreshFlow(async () =>
        {
            for (var round = 0; round < RoundsPerTask; round++)
            {
                var key = (worker + round) % Keys;
                await using var lease = await manager.AcquireAsync(Marketplace, $"posting-{key}", TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
                if (Interlocked.Increment(ref inside[key]) != 1)
                {
                    Interlocked.Increment(ref overlaps);
                }

                // A deliberately non-atomic read-modify-write with a yield in the middle: any overlap loses updates.
                var seen = counters[key];
                await Task.Yield();
                counters[key] = seen + 1;
                Interlocked.Decrement(ref inside[key]);
            }
        })));

        Assert.Equal(0, overlaps);
        Assert.Equal(Tasks * RoundsPerTask, counters.Sum());
        Assert.Equal(Tasks * RoundsPerTask, manager.GetMetrics().LockSuccesses);
    }

    [Fact(Timeout = 60_000)]
    public async Task Different_postings_never_block_each_other()
    {
        var manager = await CreateManagerAsync();
        await using var first = await manager.AcquireAsync(Marketplace, "posting-a", cancellationToken: TestContext.Current.CancellationToken);

        // Timeout zero: a single try. If posting-b were blocked by posting-a this would return null.
        var second = await InFreshFlow(async () => await manager.TryAcquireAsync(Marketplace, "posting-b", TimeSpan.Zero, TestContext.Current.CancellationToken));
        var otherMarketplace = await InFreshFlow(async () => await manager.TryAcquireAsync(Marketplace + "-other", "posting-a", TimeSpan.Zero, TestContext.Current.CancellationToken));

        Assert.NotNull(second);
        Assert.NotNull(otherMarketplace);
        Assert.True(await second.ReleaseAsync());
        Assert.True(await otherMarketplace.ReleaseAsync());
    }

    [Fact(Timeout = 60_000)]
    public async Task A_second_manager_on_the_same_backend_is_excluded()
    {
        var one = await CreateManagerAsync();
        var two = await CreatePeerAsync(one);
        await using var held = await one.AcquireAsync(Marketplace, "shared", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Null(await InFreshFlow(async () => await two.TryAcquireAsync(Marketplace, "shared", TimeSpan.FromMilliseconds(200), TestContext.Current.CancellationToken)));
        Assert.True(await held.ReleaseAsync());
        await using var after = await InFreshFlow(async () => await two.AcquireAsync(Marketplace, "shared", TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        Assert.True(after.FencingToken > held.FencingToken);
    }
}
