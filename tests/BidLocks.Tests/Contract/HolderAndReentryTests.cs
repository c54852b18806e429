namespace BidLocks.Tests.Contract;

public abstract partial class BidLockManagerContract
{
    [Fact(Timeout = 30_000)]
    public async Task Holder_named_locks_release_only_for_their_holder()
    {
        var manager = await CreateManagerAsync();

        Assert.True(await manager.AcquireLockAsync(Marketplace, "named", "holder-1", cancellationToken: TestContext.Current.CancellationToken));
        Assert.True(await manager.AcquireLockAsync(Marketplace, "named", "holder-1", TimeSpan.Zero, TestContext.Current.CancellationToken));
        Assert.False(await manager.AcquireLockAsync(Marketplace, "named", "holder-2", TimeSpan.FromMilliseconds(100), TestContext.Current.CancellationToken));
        Assert.False(await manager.ReleaseLockAsync(Marketplace, "named", "holder-2", TestContext.Current.CancellationToken));
        Assert.True(await manager.ReleaseLockAsync(Marketplace, "named", "holder-1", TestContext.Current.CancellationToken));
        Assert.False(await manager.ReleaseLockAsync(Marketplace, "named", "holder-1", TestContext.Current.CancellationToken));
        Assert.True(await manager.AcquireLockAsync(Marketplace, "named", "holder-2", TimeSpan.Zero, TestContext.Current.CancellationToken));
        Assert.True(await manager.ReleaseLockAsync(Marketplace, "named", "holder-2", TestContext.Current.CancellationToken));
    }

    [Fact(Timeout = 30_000)]
    public async Task Reentry_in_the_same_flow_succeeds_and_keeps_the_outer_hold()
    {
        var manager = await CreateManagerAsync();
        await using var outer = await manager.AcquireAsync(Marketplace, "reentrant", cancellationToken: TestContext.Current.CancellationToken);

        var inner = await manager.AcquireAsync(Marketplace, "reentrant", TimeSpan.Zero, TestContext.Current.CancellationToken);
        Assert.Equal(outer.FencingToken, inner.FencingToken);
        Assert.Equal(outer.HolderId, inner.HolderId);
        Assert.True(await inner.ReleaseAsync());

        Assert.True(outer.IsHeld);
        Assert.Null(await InFreshFlow(async () => await manager.TryAcquireAsync(Marketplace, "reentrant", TimeSpan.Zero, TestContext.Current.CancellationToken)));
        Assert.Equal(1, manager.GetMetrics().Reentries);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_flow_that_released_a_lock_does_not_share_later_locks_with_its_children()
    {
        var manager = await CreateManagerAsync();
        var first = await manager.AcquireAsync(Marketplace, "parent", cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(await first.ReleaseAsync());

        // Two children of this flow race for one posting: neither may treat the other's hold as its own.
        var holders = 0;
        var overlaps = 0;
        await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            await using var lease = await manager.AcquireAsync(Marketplace, "child", TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);
            if (Interlocked.Increment(ref holders) > 1)
            {
                Interlocked.Increment(ref overlaps);
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
            Interlocked.Decrement(ref holders);
        })));

        Assert.Equal(0, overlaps);
        Assert.Equal(0, manager.GetMetrics().Reentries);
    }
}
