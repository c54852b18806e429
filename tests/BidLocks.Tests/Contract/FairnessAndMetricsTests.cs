using System.Diagnostics;

namespace BidLocks.Tests.Contract;

public abstract partial class BidLockManagerContract
{
    [Fact(Timeout = 120_000)]
    public async Task Sixteen_contenders_share_one_posting_fairly()
    {
        var one = await CreateManagerAsync();
        var two = await CreatePeerAsync(one);
        const int Workers = 16;
        var acquisitions = new long[Workers];
        var clock = Stopwatch.StartNew();

        await Task.WhenAll(Enumerable.Range(0, Workers).Select(worker => InFreshFlow(async () =>
        {
            var manager = worker % 2 == 0 ? one : two;
            while (clock.Elapsed < TimeSpan.FromSeconds(5))
            {
                await using var lease = await manager.AcquireAsync(Marketplace, "contended", TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
                acquisitions[worker]++;
                await Task.Yield();
            }
        })));

        var min = acquisitions.Min();
        var max = acquisitions.Max();
        Assert.True(max > 0);
        Assert.True((double)min / max >= 0.5, $"min {min}, max {max}: [{string.Join(", ", acquisitions)}]");
    }

    [Fact(Timeout = 30_000)]
    public async Task Metrics_count_attempts_successes_conflicts_and_timeouts()
    {
        var manager = await CreateManagerAsync();
        var held = await manager.AcquireAsync(Marketplace, "metered", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Null(await InFreshFlow(async () => await manager.TryAcquireAsync(Marketplace, "metered", TimeSpan.FromMilliseconds(100), TestContext.Current.CancellationToken)));
        Assert.True(await held.ReleaseAsync());

        var metrics = manager.GetMetrics();

        Assert.Equal(2, metrics.LockAttempts);
        Assert.Equal(1, metrics.LockSuccesses);
        Assert.Equal(1, metrics.LockConflicts);
        Assert.Equal(1, metrics.LockTimeouts);
        Assert.Equal(1, metrics.LockReleases);
        Assert.Equal(0, metrics.BackendErrors);
    }

    [Fact(Timeout = 30_000)]
    public async Task Health_check_reports_the_backend()
    {
        var manager = await CreateManagerAsync();

        var health = await manager.CheckHealthAsync(TestContext.Current.CancellationToken);

        Assert.Equal(BidLockHealthStatus.Healthy, health.Status);
        Assert.Equal(manager.Backend, health.Backend);
        Assert.False(string.IsNullOrWhiteSpace(health.Description));
    }

    [Fact(Timeout = 30_000)]
    public async Task Cleanup_removes_expired_holds_only()
    {
        var manager = await CreateManagerAsync();
        Assert.True(await manager.AcquireLockAsync(Marketplace, "kept", "holder", cancellationToken: TestContext.Current.CancellationToken));
        var shortLived = await manager.AcquireAsync(Marketplace, "expires", new BidLockAcquireOptions(Ttl: TimeSpan.FromMilliseconds(100), MaxHold: TimeSpan.FromMilliseconds(100)), TestContext.Current.CancellationToken);
        var lost = new TaskCompletionSource();
        shortLived.LostToken.Register(() => lost.TrySetResult());
        await lost.Task.WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);

        await manager.CleanupExpiredAsync(TestContext.Current.CancellationToken);

        Assert.False(await manager.AcquireLockAsync(Marketplace, "kept", "other", TimeSpan.Zero, TestContext.Current.CancellationToken));
        Assert.True(await manager.AcquireLockAsync(Marketplace, "expires", "other", TimeSpan.Zero, TestContext.Current.CancellationToken));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_disposed_manager_releases_its_leases_and_refuses_new_work()
    {
        var manager = await CreateManagerAsync();
        var lease = await manager.AcquireAsync(Marketplace, "disposed", cancellationToken: TestContext.Current.CancellationToken);

        await manager.DisposeAsync();

        Assert.False(lease.IsHeld);
        Assert.Equal(1, manager.GetMetrics().LockReleases);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await manager.AcquireAsync(Marketplace, "again", cancellationToken: TestContext.Current.CancellationToken));
    }
}
