using System.Diagnostics;

namespace BidLocks.Tests.Contract.Multi;

/// <summary>All or nothing: a set that cannot be had whole is not held in part, and one timeout covers it.</summary>
public abstract partial class MultiPostingContract
{
    [Fact(Timeout = 30_000)]
    public async Task A_timeout_on_one_posting_releases_those_already_taken()
    {
        var manager = await CreateManagerAsync();
        var peer = await CreatePeerAsync(manager);
        await using var blocker = await InFreshFlow(async () => await peer.AcquireAsync(Marketplace, "t3", TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));

        var timeout = await Assert.ThrowsAsync<BidLockTimeoutException>(async () =>
            await manager.AcquireManyAsync(Marketplace, ["t3", "t1", "t2"], Wait(TimeSpan.FromMilliseconds(300)), TestContext.Current.CancellationToken));

        // t1 and t2 come first in lock order, so they were taken, then given back when t3 timed out.
        Assert.Equal("t3", timeout.PostingId);
        Assert.Equal(Marketplace, timeout.MarketplaceId);
        Assert.True(await IsFreeAsync(peer, "t1"));
        Assert.True(await IsFreeAsync(peer, "t2"));
        Assert.True(blocker.IsHeld);
        Assert.True(manager.GetMetrics().LockTimeouts >= 1);
    }

    [Fact(Timeout = 30_000)]
    public async Task Cancelling_the_wait_releases_those_already_taken()
    {
        var manager = await CreateManagerAsync();
        var peer = await CreatePeerAsync(manager);
        await using var blocker = await InFreshFlow(async () => await peer.AcquireAsync(Marketplace, "c2", TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cancel.CancelAfter(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            await manager.AcquireManyAsync(Marketplace, ["c1", "c2"], Wait(TimeSpan.FromSeconds(20)), cancel.Token));

        Assert.True(await IsFreeAsync(peer, "c1"));
    }

    [Fact(Timeout = 60_000)]
    public async Task One_timeout_covers_the_whole_set()
    {
        var manager = await CreateManagerAsync();
        var peer = await CreatePeerAsync(manager);
        var first = await InFreshFlow(async () => await peer.AcquireAsync(Marketplace, "w1", TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        await using var last = await InFreshFlow(async () => await peer.AcquireAsync(Marketplace, "w3", TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        var timeout = TimeSpan.FromSeconds(3);

        var clock = Stopwatch.StartNew();
        var call = manager.AcquireManyAsync(Marketplace, ["w1", "w2", "w3"], Wait(timeout), TestContext.Current.CancellationToken).AsTask();
        // w1 frees halfway through; w3 never does. A timeout per posting would then wait 1.5 s + 3 s in all.
        await Task.Delay(timeout / 2, TestContext.Current.CancellationToken);
        await first.ReleaseAsync();
        var error = await Assert.ThrowsAsync<BidLockTimeoutException>(() => call);
        clock.Stop();

        Assert.Equal("w3", error.PostingId);
        Assert.Equal(timeout, error.Timeout);
        Assert.True(clock.Elapsed >= timeout - TimeSpan.FromMilliseconds(50), $"gave up after {clock.Elapsed.TotalMilliseconds:F0} ms");
        Assert.True(clock.Elapsed < timeout + (timeout / 2) - TimeSpan.FromMilliseconds(200), $"gave up after {clock.Elapsed.TotalMilliseconds:F0} ms");
        Assert.True(await IsFreeAsync(peer, "w1"));
        Assert.True(await IsFreeAsync(peer, "w2"));
    }

    [Fact(Timeout = 30_000)]
    public async Task LostToken_fires_when_any_one_posting_is_lost()
    {
        var manager = await CreateManagerAsync();
        // A hold on l2 capped at 600 ms, re-entered by the set: when the cap ends it, the set has lost l2 while it still
        // holds l1.
        var capped = await manager.AcquireAsync(Marketplace, "l2", new BidLockAcquireOptions(TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(600)), TestContext.Current.CancellationToken);
        await using var set = await manager.AcquireManyAsync(Marketplace, ["l1", "l2"], Wait(TimeSpan.FromSeconds(10)), TestContext.Current.CancellationToken);
        var lost = new TaskCompletionSource();
        using var registration = set.LostToken.Register(() => lost.TrySetResult());

        await lost.Task.WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);

        Assert.True(set.IsLost);
        Assert.False(set.IsHeld);
        Assert.True(capped.IsLost);
        Assert.False(await IsFreeAsync(manager, "l1"));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_disposed_manager_refuses_a_set()
    {
        var manager = await CreateBackendManagerAsync(new BidLockOptions());
        await manager.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await manager.AcquireManyAsync(Marketplace, ["d"], Wait(TimeSpan.Zero), TestContext.Current.CancellationToken));
    }
}
