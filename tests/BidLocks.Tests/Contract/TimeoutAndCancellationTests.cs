namespace BidLocks.Tests.Contract;

public abstract partial class BidLockManagerContract
{
    [Fact(Timeout = 60_000)]
    public async Task Timeout_throws_and_the_body_does_not_run()
    {
        var manager = await CreateManagerAsync();
        await using var held = await manager.AcquireAsync(Marketplace, "busy", cancellationToken: TestContext.Current.CancellationToken);
        var bodyRan = false;

        var error = await InFreshFlow(() => Assert.ThrowsAsync<BidLockTimeoutException>(async () =>
        {
            await using var lease = await manager.AcquireAsync(Marketplace, "busy", TimeSpan.FromMilliseconds(150), TestContext.Current.CancellationToken);
            bodyRan = true;
        }));

        Assert.False(bodyRan);
        Assert.Equal(Marketplace, error.MarketplaceId);
        Assert.Equal("busy", error.PostingId);
        Assert.Null(await InFreshFlow(async () => await manager.TryAcquireAsync(Marketplace, "busy", TimeSpan.Zero, TestContext.Current.CancellationToken)));
        Assert.Equal(2, manager.GetMetrics().LockTimeouts);
    }

    [Fact(Timeout = 60_000)]
    public async Task Cancellation_stops_the_wait_and_leaves_the_queue_usable()
    {
        var manager = await CreateManagerAsync();
        var held = await manager.AcquireAsync(Marketplace, "cancel", cancellationToken: TestContext.Current.CancellationToken);
        using var cancel = new CancellationTokenSource();

        var waiting = InFreshFlow(async () => await manager.AcquireAsync(Marketplace, "cancel", TimeSpan.FromSeconds(60), cancel.Token));
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.True(await held.ReleaseAsync());
        await using var next = await InFreshFlow(async () => await manager.AcquireAsync(Marketplace, "cancel", TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        Assert.True(next.IsHeld);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_waiter_gets_the_lock_as_soon_as_it_is_released()
    {
        var manager = await CreateManagerAsync();
        var held = await manager.AcquireAsync(Marketplace, "handoff", cancellationToken: TestContext.Current.CancellationToken);
        var waiter = InFreshFlow(async () => await manager.AcquireAsync(Marketplace, "handoff", TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));

        Assert.False(waiter.IsCompleted);
        Assert.True(await held.ReleaseAsync());
        await using var next = await waiter;
        Assert.True(next.FencingToken > held.FencingToken);
    }

    [Theory(Timeout = 30_000)]
    [InlineData(null, "p", "marketplaceId")]
    [InlineData("", "p", "marketplaceId")]
    [InlineData("   ", "p", "marketplaceId")]
    [InlineData("m", null, "postingId")]
    [InlineData("m", "", "postingId")]
    [InlineData("m", "\t\n", "postingId")]
    public async Task Bad_ids_are_rejected_before_any_io(string? marketplaceId, string? postingId, string parameter)
    {
        var manager = await CreateManagerAsync();

        var acquire = await Assert.ThrowsAnyAsync<ArgumentException>(async () => await manager.AcquireAsync(marketplaceId!, postingId!, cancellationToken: TestContext.Current.CancellationToken));
        var tryAcquire = await Assert.ThrowsAnyAsync<ArgumentException>(async () => await manager.TryAcquireAsync(marketplaceId!, postingId!, cancellationToken: TestContext.Current.CancellationToken));
        var named = await Assert.ThrowsAnyAsync<ArgumentException>(async () => await manager.AcquireLockAsync(marketplaceId!, postingId!, "holder", cancellationToken: TestContext.Current.CancellationToken));
        var release = await Assert.ThrowsAnyAsync<ArgumentException>(async () => await manager.ReleaseLockAsync(marketplaceId!, postingId!, "holder", TestContext.Current.CancellationToken));

        Assert.All(new[] { acquire, tryAcquire, named, release }, error => Assert.Equal(parameter, error.ParamName));
        Assert.Equal(0, manager.GetMetrics().LockAttempts);
    }

    [Fact(Timeout = 30_000)]
    public async Task Ids_with_a_lone_surrogate_are_rejected()
    {
        // Built here rather than in [InlineData]: test-case serialisation would replace the lone surrogate.
        var manager = await CreateManagerAsync();
        var broken = "bid" + '\ud800';

        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await manager.AcquireAsync(Marketplace, broken, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal("postingId", error.ParamName);
        Assert.Equal(0, manager.GetMetrics().LockAttempts);
    }

    [Fact(Timeout = 30_000)]
    public async Task Oversized_ids_and_holders_are_rejected()
    {
        var manager = await CreateManagerAsync();
        var huge = new string('x', BidLockDefaults.MaxIdLength + 1);

        Assert.Equal("postingId", (await Assert.ThrowsAsync<ArgumentException>(async () => await manager.AcquireAsync(Marketplace, huge, cancellationToken: TestContext.Current.CancellationToken))).ParamName);
        Assert.Equal("holderId", (await Assert.ThrowsAsync<ArgumentException>(async () => await manager.AcquireLockAsync(Marketplace, "p", huge, cancellationToken: TestContext.Current.CancellationToken))).ParamName);
        Assert.Equal("holderId", (await Assert.ThrowsAsync<ArgumentNullException>(async () => await manager.AcquireLockAsync(Marketplace, "p", null!, cancellationToken: TestContext.Current.CancellationToken))).ParamName);
        Assert.Equal(0, manager.GetMetrics().LockAttempts);
    }
}
