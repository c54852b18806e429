namespace BidLocks.Tests.Contract;

public abstract partial class BidLockManagerContract
{
    [Fact(Timeout = 60_000)]
    public async Task An_expired_hold_lets_the_next_holder_in_and_the_stale_release_returns_false()
    {
        var manager = await CreateManagerAsync();
        // Capped at its TTL: no renewal, as if its holder had crashed.
        var stale = await manager.AcquireAsync(Marketplace, "expiring", new BidLockAcquireOptions(Ttl: TimeSpan.FromMilliseconds(300), MaxHold: TimeSpan.FromMilliseconds(300)), TestContext.Current.CancellationToken);
        var lostSeen = new TaskCompletionSource();
        stale.LostToken.Register(() => lostSeen.TrySetResult());

        await using var next = await InFreshFlow(async () => await manager.AcquireAsync(Marketplace, "expiring", TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken));
        await lostSeen.Task.WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);

        Assert.True(next.FencingToken > stale.FencingToken);
        Assert.True(stale.IsLost);
        Assert.False(await stale.ReleaseAsync());
        Assert.True(next.IsHeld);
    }

    [Fact(Timeout = 60_000)]
    public async Task Renewal_keeps_a_long_body_holding_its_lock()
    {
        var manager = await CreateManagerAsync();
        var ttl = TimeSpan.FromMilliseconds(1500);
        await using var lease = await manager.AcquireAsync(Marketplace, "long-body", new BidLockAcquireOptions(Ttl: ttl), TestContext.Current.CancellationToken);
        var firstExpiry = lease.ExpiresAt;

        // The body's own work: it runs for well over two TTLs.
        await Task.Delay(ttl * 2.5, TestContext.Current.CancellationToken);

        Assert.True(lease.IsHeld);
        Assert.False(lease.LostToken.IsCancellationRequested);
        Assert.True(lease.ExpiresAt > firstExpiry);
        Assert.True(manager.GetMetrics().LeaseExtensions >= 2);
        Assert.Null(await InFreshFlow(async () => await manager.TryAcquireAsync(Marketplace, "long-body", TimeSpan.Zero, TestContext.Current.CancellationToken)));
    }

    [Fact(Timeout = 60_000)]
    public async Task The_hold_cap_fires_LostToken_and_frees_the_posting()
    {
        var manager = await CreateManagerAsync();
        var lease = await manager.AcquireAsync(Marketplace, "capped", new BidLockAcquireOptions(Ttl: TimeSpan.FromMilliseconds(200), MaxHold: TimeSpan.FromMilliseconds(600)), TestContext.Current.CancellationToken);
        var lost = new TaskCompletionSource();
        lease.LostToken.Register(() => lost.TrySetResult());

        await lost.Task.WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);
        await using var next = await InFreshFlow(async () => await manager.AcquireAsync(Marketplace, "capped", TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken));

        Assert.True(next.FencingToken > lease.FencingToken);
        Assert.Equal(1, manager.GetMetrics().LeasesLost);
    }

    [Fact(Timeout = 60_000)]
    public async Task Fencing_tokens_strictly_increase_across_holders()
    {
        var one = await CreateManagerAsync();
        var two = await CreatePeerAsync(one);
        var fences = new List<long>();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => InFreshFlow(async () =>
        {
            var manager = worker % 2 == 0 ? one : two;
            for (var round = 0; round < 10; round++)
            {
                await using var lease = await manager.AcquireAsync(Marketplace, "fenced", TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
                // Appended inside the bid lock, so the list is in acquisition order.
                lock (fences)
                {
                    fences.Add(lease.FencingToken);
                }
            }
        })));

        Assert.Equal(80, fences.Count);
        Assert.All(fences.Zip(fences.Skip(1)), pair => Assert.True(pair.Second > pair.First, $"{pair.Second} after {pair.First}"));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_lease_describes_its_lock()
    {
        var manager = await CreateManagerAsync(options => options.InstanceId = "bidder-7");
        var before = DateTimeOffset.UtcNow;
        await using var lease = await manager.AcquireAsync(Marketplace, "posting:with{odd}chars %", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(Marketplace, lease.MarketplaceId);
        Assert.Equal("posting:with{odd}chars %", lease.PostingId);
        Assert.Matches("^bidder-7:[0-9A-F]{32}:[0-9]{13}$", lease.HolderId);
        Assert.True(lease.ExpiresAt > before + TimeSpan.FromSeconds(20));
        Assert.True(lease.FencingToken > 0);
        Assert.True(await lease.ReleaseAsync());
        Assert.False(await lease.ReleaseAsync());
        Assert.False(lease.IsHeld);
    }
}
