namespace BidLocks.Tests.Contract;

public abstract partial class BidLockManagerContract
{
    [Fact(Timeout = 30_000)]
    public async Task A_reentrant_acquire_that_wants_a_fence_gets_one_its_outer_acquire_skipped()
    {
        var cancel = TestContext.Current.CancellationToken;
        var manager = await CreateManagerAsync();
        long before;
        await using (var earlier = await manager.AcquireAsync(Marketplace, "fence-later", cancellationToken: cancel))
        {
            before = earlier.FencingToken;
        }

        // A [BidLock] body without the lease (no fence asked for) calls one that takes the lease.
        await using var outer = await manager.AcquireAsync(Marketplace, "fence-later", new BidLockAcquireOptions(SkipFencingToken: true), cancel);
        await using var inner = await manager.AcquireAsync(Marketplace, "fence-later", TimeSpan.Zero, cancel);

        Assert.True(inner.FencingToken > before, $"{inner.FencingToken} after {before}");
        Assert.Equal(inner.FencingToken, outer.FencingToken);
        await using var after = await InFreshFlow(async () =>
        {
            Assert.True(await outer.ReleaseAsync());
            return await manager.AcquireAsync(Marketplace, "fence-later", cancellationToken: cancel);
        });
        Assert.True(after.FencingToken > inner.FencingToken);
    }
}
