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

    [Fact(Timeout = 30_000)]
    public async Task Skipping_the_fence_and_asking_for_it_at_the_grant_together_is_refused_naming_the_options()
    {
        var cancel = TestContext.Current.CancellationToken;
        var manager = await CreateManagerAsync();
        var both = new BidLockAcquireOptions(SkipFencingToken: true, FencingTokenAtGrant: true);

        var one = await Assert.ThrowsAsync<ArgumentException>(async () => await manager.AcquireAsync(Marketplace, "both-fences", both, cancel));
        var set = await Assert.ThrowsAsync<ArgumentException>(async () => await manager.AcquireManyAsync(Marketplace, ["both-fences", "both-fences-2"], both, cancel));

        Assert.Equal("options", one.ParamName);
        Assert.Equal("options", set.ParamName);
        Assert.Null(await manager.InspectAsync(Marketplace, "both-fences", cancel));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_token_asked_for_at_the_grant_ranks_between_its_neighbours()
    {
        var cancel = TestContext.Current.CancellationToken;
        var manager = await CreateManagerAsync();
        long before, atGrant;
        await using (var earlier = await manager.AcquireAsync(Marketplace, "at-grant", cancellationToken: cancel))
        {
            before = earlier.FencingToken;
        }

        await using (var lease = await manager.AcquireAsync(Marketplace, "at-grant", new BidLockAcquireOptions(FencingTokenAtGrant: true), cancel))
        {
            atGrant = lease.FencingToken;
        }

        await using var after = await manager.AcquireAsync(Marketplace, "at-grant", cancellationToken: cancel);
        Assert.True(atGrant > before, $"{atGrant} after {before}");
        Assert.True(after.FencingToken > atGrant, $"{after.FencingToken} after {atGrant}");
    }
}
