namespace BidLocks.Tests.Contract;

/// <summary>Re-entry when one flow starts several acquires before awaiting any (Task.WhenAll).</summary>
public abstract partial class BidLockManagerContract
{
    [Fact(Timeout = 30_000)]
    public async Task A_flow_that_took_two_locks_at_once_re_enters_each_of_them()
    {
        var cancel = TestContext.Current.CancellationToken;
        var manager = await CreateManagerAsync();

        // Both acquires start before either completes: on a backend that answers asynchronously, neither is held
        // when the other records itself in the flow.
        var both = await Task.WhenAll(
            manager.AcquireAsync(Marketplace, "pair-a", TimeSpan.FromSeconds(10), cancel).AsTask(),
            manager.AcquireAsync(Marketplace, "pair-b", TimeSpan.FromSeconds(10), cancel).AsTask());

        var againA = await manager.AcquireAsync(Marketplace, "pair-a", TimeSpan.FromSeconds(5), cancel);
        var againB = await manager.AcquireAsync(Marketplace, "pair-b", TimeSpan.FromSeconds(5), cancel);

        Assert.Equal(both[0].HolderId, againA.HolderId);
        Assert.Equal(both[1].HolderId, againB.HolderId);
        Assert.Equal(2, manager.GetMetrics().Reentries);
        Assert.True(await againA.ReleaseAsync());
        Assert.True(await againB.ReleaseAsync());
        Assert.True(both[0].IsHeld);
        Assert.True(both[1].IsHeld);
        Assert.True(await both[0].ReleaseAsync());
        Assert.True(await both[1].ReleaseAsync());
    }

    [Fact(Timeout = 30_000)]
    public async Task Two_acquires_of_one_posting_started_together_in_one_flow_share_it()
    {
        var cancel = TestContext.Current.CancellationToken;
        var manager = await CreateManagerAsync();

        // The second waits for the first (it does not queue behind its own flow's hold) and re-enters it.
        var both = await Task.WhenAll(
            manager.AcquireAsync(Marketplace, "twice", TimeSpan.FromSeconds(5), cancel).AsTask(),
            manager.AcquireAsync(Marketplace, "twice", TimeSpan.FromSeconds(5), cancel).AsTask());

        Assert.Equal(both[0].HolderId, both[1].HolderId);
        Assert.Equal(1, manager.GetMetrics().Reentries);
        Assert.Null(await InFreshFlow(async () => await manager.TryAcquireAsync(Marketplace, "twice", TimeSpan.Zero, cancel)));
        await both[1].ReleaseAsync();
        Assert.True(both[0].IsHeld);
        Assert.True(await both[0].ReleaseAsync());
    }

    [Fact(Timeout = 30_000)]
    public async Task An_acquire_that_timed_out_leaves_no_record_that_stops_a_later_one()
    {
        var cancel = TestContext.Current.CancellationToken;
        var manager = await CreateManagerAsync();
        var peer = await CreatePeerAsync(manager);
        var blocker = await InFreshFlow(() => peer.AcquireAsync(Marketplace, "timed-out", TimeSpan.FromSeconds(5), cancel).AsTask());

        Assert.Null(await manager.TryAcquireAsync(Marketplace, "timed-out", TimeSpan.FromMilliseconds(50), cancel));
        Assert.True(await blocker.ReleaseAsync());

        await using var later = await manager.AcquireAsync(Marketplace, "timed-out", TimeSpan.FromSeconds(5), cancel);
        Assert.True(later.IsHeld);
        Assert.True(later.FencingToken > blocker.FencingToken);
    }
}
