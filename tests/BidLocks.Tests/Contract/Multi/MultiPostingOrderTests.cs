namespace BidLocks.Tests.Contract.Multi;

/// <summary>One global order: overlapping sets named in opposite orders never deadlock; re-entry into a superset.</summary>
public abstract partial class MultiPostingContract
{
    [Fact(Timeout = 120_000)]
    public async Task Overlapping_sets_in_opposite_orders_neither_deadlock_nor_overlap()
    {
        var manager = await CreateManagerAsync();
        var peer = await CreatePeerAsync(manager);
        string[][] shapes = [["o-a", "o-b"], ["o-b", "o-a"], ["o-c", "o-b", "o-a"], ["o-b", "o-c"]];
        var inside = new Dictionary<string, int> { ["o-a"] = 0, ["o-b"] = 0, ["o-c"] = 0 };
        var overlaps = 0;
        var rounds = 40;

        // Each worker is its own flow; a deadlock would show as a 20 s timeout, an overlap as two holders inside one posting.
        var workers = shapes.Select((shape, index) => InFreshFlow(async () =>
        {
            var owner = index % 2 == 0 ? manager : peer;
            for (var round = 0; round < rounds; round++)
            {
                await using var lease = await owner.AcquireManyAsync(Marketplace, shape, Wait(TimeSpan.FromSeconds(20)), TestContext.Current.CancellationToken);
                lock (inside)
                {
                    foreach (var posting in shape)
                    {
                        overlaps += inside[posting]++ > 0 ? 1 : 0;
                    }
                }

                await Task.Yield();
                lock (inside)
                {
                    foreach (var posting in shape)
                    {
                        inside[posting]--;
                    }
                }
            }

            return rounds;
        })).ToArray();

        var done = await Task.WhenAll(workers);

        Assert.Equal(shapes.Length * rounds, done.Sum());
        Assert.Equal(0, overlaps);
        Assert.Equal(0, manager.GetMetrics().LockTimeouts + (ReferenceEquals(peer, manager) ? 0 : peer.GetMetrics().LockTimeouts));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_flow_holding_part_of_a_set_takes_the_superset_without_waiting_for_itself()
    {
        var manager = await CreateManagerAsync();
        var peer = await CreatePeerAsync(manager);
        await using var outer = await manager.AcquireAsync(Marketplace, "r2", TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        // Zero timeout: any wait for its own hold on r2 would fail at once.
        var set = await manager.AcquireManyAsync(Marketplace, ["r3", "r2", "r1"], Wait(TimeSpan.Zero), TestContext.Current.CancellationToken);

        Assert.Equal(outer.FencingToken, set.GetFencingToken("r2"));
        Assert.False(await IsFreeAsync(peer, "r1"));
        Assert.False(await IsFreeAsync(peer, "r3"));
        Assert.True(await set.ReleaseAsync());

        // Releasing the set gives back what it took and leaves the outer hold as it was.
        Assert.True(outer.IsHeld);
        Assert.False(await IsFreeAsync(peer, "r2"));
        Assert.True(await IsFreeAsync(peer, "r1"));
        Assert.True(await IsFreeAsync(peer, "r3"));
    }

    [Fact(Timeout = 30_000)]
    public async Task Inside_a_set_each_posting_is_reentrant()
    {
        var manager = await CreateManagerAsync();
        await using var set = await manager.AcquireManyAsync(Marketplace, ["i1", "i2"], Wait(TimeSpan.FromSeconds(10)), TestContext.Current.CancellationToken);

        await using var inner = await manager.AcquireAsync(Marketplace, "i2", TimeSpan.Zero, TestContext.Current.CancellationToken);
        await using var again = await manager.AcquireManyAsync(Marketplace, ["i2", "i1"], Wait(TimeSpan.Zero), TestContext.Current.CancellationToken);

        Assert.Equal(set.GetFencingToken("i2"), inner.FencingToken);
        Assert.Equal(set.FencingTokens, again.FencingTokens);
        Assert.True(await again.ReleaseAsync());
        Assert.True(set.IsHeld);
    }
}
