namespace BidLocks.Tests.Contract;

/// <summary>
/// Inspection and forced release on every backend: who holds a lock, since when, until when, with which fence and how
/// many wait; the held locks longest-held first; inspection that changes nothing; and an operator's break that raises
/// the fence and makes the old holder's lease notice.
/// </summary>
public abstract partial class BidLockManagerContract
{
    // Held-since has millisecond resolution on Redis (a holder's clock) and is read from another clock than the test's.
    private static readonly TimeSpan ClockSlack = TimeSpan.FromMilliseconds(50);

    [Fact(Timeout = 30_000)]
    public async Task Inspect_shows_holder_instance_since_expiry_and_fence_and_null_once_free()
    {
        var cancel = TestContext.Current.CancellationToken;
        var manager = await CreateManagerAsync(options => options.InstanceId = "inspected-1");
        var inspector = await CreatePeerAsync(manager);
        Assert.Null(await inspector.InspectAsync(Marketplace, "shown", cancel));

        var before = DateTimeOffset.UtcNow;
        var lease = await manager.AcquireAsync(Marketplace, "shown", new BidLockAcquireOptions(Ttl: TimeSpan.FromSeconds(20)), cancel);
        var after = DateTimeOffset.UtcNow;
        var info = await inspector.InspectAsync(Marketplace, "shown", cancel);

        Assert.NotNull(info);
        Assert.Equal((Marketplace, "shown"), (info.MarketplaceId, info.PostingId));
        Assert.Equal(lease.HolderId, info.HolderId);
        Assert.Equal("inspected-1", info.InstanceId);
        Assert.Equal(lease.FencingToken, info.FencingToken);
        Assert.Equal(0, info.Waiters);
        Assert.NotNull(info.HeldSince);
        Assert.InRange(info.HeldSince.Value, before - ClockSlack, after + ClockSlack);
        Assert.InRange(info.ExpiresAt, lease.ExpiresAt - TimeSpan.FromSeconds(2), lease.ExpiresAt + TimeSpan.FromSeconds(2));
        Assert.InRange(info.TimeToLive, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(20));
        Assert.Contains("shown", info.Key);

        Assert.True(await lease.ReleaseAsync());
        Assert.Null(await inspector.InspectAsync(Marketplace, "shown", cancel));
    }

    [Fact(Timeout = 30_000)]
    public async Task Inspection_changes_nothing_a_held_lock_stays_held_and_a_free_lock_stays_free()
    {
        var cancel = TestContext.Current.CancellationToken;
        var manager = await CreateManagerAsync();
        var inspector = await CreatePeerAsync(manager);
        long before;
        await using (var earlier = await manager.AcquireAsync(Marketplace, "untouched", cancellationToken: cancel))
        {
            before = earlier.FencingToken;
        }

        // A free lock inspected and listed many times is still free, and its fence has not moved.
        for (var i = 0; i < 20; i++)
        {
            Assert.Null(await inspector.InspectAsync(Marketplace, "untouched", cancel));
            Assert.Empty(await inspector.ListHeldAsync(Marketplace, 10, cancel));
        }

        var lease = await manager.AcquireAsync(Marketplace, "untouched", new BidLockAcquireOptions(Ttl: TimeSpan.FromSeconds(20)), cancel);
        Assert.True(lease.FencingToken > before);
        var first = await inspector.InspectAsync(Marketplace, "untouched", cancel);
        for (var i = 0; i < 20; i++)
        {
            var again = await inspector.InspectAsync(Marketplace, "untouched", cancel);
            Assert.Equal(lease.HolderId, again?.HolderId);
            // Inspection renews nothing: the expiry never moves later than the holder's own.
            Assert.True(again!.ExpiresAt <= lease.ExpiresAt + TimeSpan.FromSeconds(1));
            Assert.Equal(first!.HeldSince, again.HeldSince);
            Assert.Single(await inspector.ListHeldAsync(Marketplace, 10, cancel));
        }

        Assert.True(lease.IsHeld);
        Assert.Null(await InFreshFlow(() => inspector.TryAcquireAsync(Marketplace, "untouched", TimeSpan.Zero, cancel).AsTask()));
        Assert.True(await lease.ReleaseAsync());
    }

    [Fact(Timeout = 30_000)]
    public async Task ListHeld_is_longest_held_first_filtered_by_marketplace_and_cut_to_the_limit()
    {
        var cancel = TestContext.Current.CancellationToken;
        var manager = await CreateManagerAsync();
        var inspector = await CreatePeerAsync(manager);
        var otherMarketplace = Marketplace + "-other";
        var leases = new List<BidLockLease>();

        // Taken in the reverse of key order, so only held-since can put them in the expected order. The pauses keep
        // the three starts apart on a millisecond clock; nothing waits on them.
        foreach (var posting in new[] { "c", "b", "a" })
        {
            leases.Add(await InFreshFlow(() => manager.AcquireAsync(Marketplace, posting, cancellationToken: cancel).AsTask()));
            await Task.Delay(20, cancel);
        }

        leases.Add(await InFreshFlow(() => manager.AcquireAsync(otherMarketplace, "z", cancellationToken: cancel).AsTask()));

        var held = await inspector.ListHeldAsync(Marketplace, 10, cancel);
        Assert.Equal(["c", "b", "a"], held.Select(info => info.PostingId));
        Assert.All(held, info => Assert.Equal(Marketplace, info.MarketplaceId));
        Assert.Equal(leases.Take(3).Select(lease => lease.HolderId), held.Select(info => info.HolderId));

        Assert.Equal(["c", "b"], (await inspector.ListHeldAsync(Marketplace, 2, cancel)).Select(info => info.PostingId));

        // Without a marketplace every one is listed (other tests' locks may be there too: look at ours only).
        var all = await inspector.ListHeldAsync(null, 100_000, cancel);
        var ours = all.Where(info => info.MarketplaceId.StartsWith(Marketplace, StringComparison.Ordinal)).Select(info => info.PostingId).ToList();
        Assert.Equal(["c", "b", "a", "z"], ours);

        foreach (var lease in leases)
        {
            await lease.ReleaseAsync();
        }

        Assert.Empty(await inspector.ListHeldAsync(Marketplace, 10, cancel));
    }

    [Fact(Timeout = 30_000)]
    public async Task Inspection_decodes_ids_that_needed_escaping()
    {
        var cancel = TestContext.Current.CancellationToken;
        var manager = await CreateManagerAsync();
        var marketplace = Marketplace + ":{eu} 50%";
        const string Posting = "lot:7 {b}\t€ 😀";
        await using var lease = await manager.AcquireAsync(marketplace, Posting, cancellationToken: cancel);

        var held = Assert.Single(await manager.ListHeldAsync(marketplace, 10, cancel));
        Assert.Equal((marketplace, Posting), (held.MarketplaceId, held.PostingId));
        Assert.Equal(lease.HolderId, (await manager.InspectAsync(marketplace, Posting, cancel))?.HolderId);
    }

    [Fact(Timeout = 30_000)]
    public async Task Inspect_counts_waiters_and_a_waiter_handed_the_lock_is_held_since_the_hand_over()
    {
        var cancel = TestContext.Current.CancellationToken;
        var manager = await CreateManagerAsync();
        var peer = await CreatePeerAsync(manager);
        var lease = await manager.AcquireAsync(Marketplace, "queued", cancellationToken: cancel);
        var waiter = InFreshFlow(() => peer.AcquireAsync(Marketplace, "queued", TimeSpan.FromSeconds(20), cancel).AsTask());

        var waiting = await WaitForAsync(() => manager.InspectAsync(Marketplace, "queued", cancel).AsTask(), info => info?.Waiters == 1);
        Assert.Equal(lease.HolderId, waiting?.HolderId);

        // The waiter asked well before it is handed the lock: its hold starts at the hand-over, not at its first try.
        await Task.Delay(300, cancel);
        var released = DateTimeOffset.UtcNow;
        Assert.True(await lease.ReleaseAsync());
        await using var handed = await waiter;
        var info = await manager.InspectAsync(Marketplace, "queued", cancel);

        Assert.Equal(handed.HolderId, info?.HolderId);
        Assert.Equal(0, info!.Waiters);
        Assert.InRange(info.HeldSince!.Value, released - ClockSlack, DateTimeOffset.UtcNow + ClockSlack);
    }

    [Fact(Timeout = 30_000)]
    public async Task ForceRelease_breaks_the_hold_raises_the_fence_and_the_old_lease_is_lost()
    {
        var cancel = TestContext.Current.CancellationToken;
        var manager = await CreateManagerAsync();
        var operatorSide = await CreatePeerAsync(manager);
        Assert.Null(await operatorSide.ForceReleaseAsync(Marketplace, "stuck", "ops@test", cancel));

        // A short TTL so that the old holder's renewal, which notices the break, comes soon.
        var stuck = await manager.AcquireAsync(Marketplace, "stuck", new BidLockAcquireOptions(Ttl: TimeSpan.FromMilliseconds(900)), cancel);
        var lost = new TaskCompletionSource();
        stuck.LostToken.Register(() => lost.TrySetResult());

        var broken = await operatorSide.ForceReleaseAsync(Marketplace, "stuck", "ops@test", cancel);

        Assert.NotNull(broken);
        Assert.Equal(stuck.HolderId, broken.HolderId);
        Assert.Equal(stuck.FencingToken, broken.PreviousFencingToken);
        Assert.True(broken.FencingToken > stuck.FencingToken, $"raised to {broken.FencingToken} from {stuck.FencingToken}");
        Assert.Equal("ops@test", broken.RequestedBy);
        Assert.Null(await operatorSide.InspectAsync(Marketplace, "stuck", cancel));

        await using var next = await InFreshFlow(() => operatorSide.AcquireAsync(Marketplace, "stuck", TimeSpan.Zero, cancel).AsTask());
        Assert.True(next.FencingToken > broken.FencingToken, $"{next.FencingToken} after the break's {broken.FencingToken}");
        await lost.Task.WaitAsync(TimeSpan.FromSeconds(10), cancel);
        Assert.False(stuck.IsHeld);
        // The old holder's release cannot free the new holder's lock.
        Assert.False(await stuck.ReleaseAsync());
        Assert.Equal(next.HolderId, (await operatorSide.InspectAsync(Marketplace, "stuck", cancel))?.HolderId);
    }

    [Fact(Timeout = 30_000)]
    public async Task Inspection_input_is_checked_before_any_IO()
    {
        var cancel = TestContext.Current.CancellationToken;
        var manager = await CreateManagerAsync();

        Assert.Equal("marketplaceId", (await Assert.ThrowsAnyAsync<ArgumentException>(() => manager.InspectAsync(null!, "p", cancel).AsTask())).ParamName);
        Assert.Equal("postingId", (await Assert.ThrowsAnyAsync<ArgumentException>(() => manager.InspectAsync(Marketplace, " ", cancel).AsTask())).ParamName);
        Assert.Equal("marketplaceId", (await Assert.ThrowsAnyAsync<ArgumentException>(() => manager.ListHeldAsync("", 10, cancel).AsTask())).ParamName);
        Assert.Equal("limit", (await Assert.ThrowsAnyAsync<ArgumentException>(() => manager.ListHeldAsync(Marketplace, 0, cancel).AsTask())).ParamName);
        Assert.Equal("requestedBy", (await Assert.ThrowsAnyAsync<ArgumentException>(() => manager.ForceReleaseAsync(Marketplace, "p", "\t", cancel).AsTask())).ParamName);
        Assert.Equal("postingId", (await Assert.ThrowsAnyAsync<ArgumentException>(() => manager.ForceReleaseAsync(Marketplace, new string('x', 300), "ops", cancel).AsTask())).ParamName);
    }

    /// <summary>Reads until <paramref name="done"/> holds; inspection has no event to wait on, so it is asked again.</summary>
    protected static async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
