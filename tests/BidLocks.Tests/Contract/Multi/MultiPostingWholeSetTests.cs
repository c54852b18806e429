using BidLocks.Tests.Support;

namespace BidLocks.Tests.Contract.Multi;

/// <summary>
/// A set is taken whole: while it waits for a busy posting it holds none of the others, so they stay usable;
/// and it still gets its turn when they are taken meanwhile.
/// </summary>
public abstract partial class MultiPostingContract
{
    [Fact(Timeout = 60_000)]
    public async Task A_set_that_waits_holds_none_of_its_postings()
    {
        var cancel = TestContext.Current.CancellationToken;
        var manager = await CreateManagerAsync();
        var other = await CreatePeerAsync(manager);
        var blocker = await InFreshFlow(() => other.AcquireAsync(Marketplace, "b", TimeSpan.FromSeconds(10), cancel).AsTask());

        var set = InFreshFlow(() => manager.AcquireManyAsync(Marketplace, ["a", "b", "c"], Wait(TimeSpan.FromSeconds(40)), cancel).AsTask());
        await Poll.UntilAsync(() => manager.GetMetrics().LockConflicts > 0, TimeSpan.FromSeconds(20), "the set finding 'b' taken");
        if (!TakesSetsWhole)
        {
            // Where grants wait for replicas, a set is taken one posting at a time in lock order (docs/multi-posting.md):
            // it holds "a" while it waits for "b". On a cluster it is taken slot by slot, each slot whole: it holds "a"
            // then only if the slot of "a" comes before that of "b".
            Assert.Equal(await TakenBeforeAsync("a", "b"), await other.InspectAsync(Marketplace, "a", cancel) is not null);
            Assert.True(await blocker.ReleaseAsync());
            await using var ordered = await set.WaitAsync(TimeSpan.FromSeconds(30), cancel);
            Assert.True(ordered.IsHeld);
            Assert.True(ordered.GetFencingToken("b") > blocker.FencingToken);
            return;
        }

        // Taken one at a time, the set would hold "a" now, and "c" would wait behind "b" too. Whole, it holds neither:
        // another bidder takes both at once, without waiting.
        Assert.Null(await other.InspectAsync(Marketplace, "a", cancel));
        var single = await InFreshFlow(() => other.AcquireManyAsync(Marketplace, ["a", "c"], Wait(TimeSpan.Zero), cancel).AsTask());
        Assert.False(set.IsCompleted);

        // Both go; the set gets all three, each fenced above what held it before.
        Assert.True(await blocker.ReleaseAsync());
        Assert.True(await single.ReleaseAsync());
        await using var lease = await set.WaitAsync(TimeSpan.FromSeconds(30), cancel);
        Assert.True(lease.IsHeld);
        Assert.True(lease.GetFencingToken("a") > single.GetFencingToken("a"));
        Assert.True(lease.GetFencingToken("b") > blocker.FencingToken);
        foreach (var posting in new[] { "a", "b", "c" })
        {
            Assert.Equal(lease.HolderId, (await other.InspectAsync(Marketplace, posting, cancel))?.HolderId);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task A_posting_released_while_a_set_waits_goes_to_a_waiting_single_bid_where_sets_look_first()
    {
        var cancel = TestContext.Current.CancellationToken;
        var manager = await CreateManagerAsync();
        var other = await CreatePeerAsync(manager);
        var holdingA = await InFreshFlow(() => other.AcquireAsync(Marketplace, "a", TimeSpan.FromSeconds(10), cancel).AsTask());
        var holdingB = await InFreshFlow(() => other.AcquireAsync(Marketplace, "b", TimeSpan.FromSeconds(10), cancel).AsTask());

        // The set has looked and found both taken; then a single bid waits for "a" too.
        var set = InFreshFlow(() => manager.AcquireManyAsync(Marketplace, ["a", "b"], Wait(TimeSpan.FromSeconds(40)), cancel).AsTask());
        await Poll.UntilAsync(() => manager.GetMetrics().LockConflicts > 0, TimeSpan.FromSeconds(20), "the set finding 'a' and 'b' taken");
        var single = InFreshFlow(() => other.AcquireAsync(Marketplace, "a", TimeSpan.FromSeconds(30), cancel).AsTask());
        Assert.True(await holdingA.ReleaseAsync());

        if (SetsLookFirst)
        {
            // The set stands in no queue while it only looks, so "a" is not kept for it while "b" is still taken: the
            // single bid has it now, and the set waits on.
            await using var singleLease = await single.WaitAsync(TimeSpan.FromSeconds(20), cancel);
            Assert.True(singleLease.IsHeld);
            Assert.False(set.IsCompleted);
            Assert.True(await singleLease.ReleaseAsync());
            Assert.True(await holdingB.ReleaseAsync());
            await using var lease = await set.WaitAsync(TimeSpan.FromSeconds(30), cancel);
            Assert.True(lease.GetFencingToken("a") > singleLease.FencingToken);
            return;
        }

        // Waiting in line (or holding "a" already, taken in order), the set keeps "a": it is had first, once "b" is
        // released, and the single bid only after it.
        Assert.True(await holdingB.ReleaseAsync());
        await using (var setLease = await set.WaitAsync(TimeSpan.FromSeconds(30), cancel))
        {
            Assert.False(single.IsCompleted);
            Assert.True(await setLease.ReleaseAsync());
        }

        await using var after = await single.WaitAsync(TimeSpan.FromSeconds(30), cancel);
        Assert.True(after.IsHeld);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_set_gets_its_turn_while_single_bids_keep_taking_its_postings()
    {
        var cancel = TestContext.Current.CancellationToken;
        var manager = await CreateManagerAsync();
        var other = await CreatePeerAsync(manager);

        // Two single bidders take "a" and "b" in turn, one always holding; the set needs both at once.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var turns = new int[4];
        var singles = new[] { "a", "b", "a", "b" }.Select((posting, bidder) => InFreshFlow(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await using var held = await other.AcquireAsync(Marketplace, posting, TimeSpan.FromSeconds(30), stop.Token);
                Interlocked.Increment(ref turns[bidder]);
                await Task.Yield();
            }

            return Volatile.Read(ref turns[bidder]);
        })).ToArray();

        // Each single bidder has had its posting at least twice: they take turns, and the stream keeps coming.
        await Poll.UntilAsync(() => Enumerable.Range(0, turns.Length).All(bidder => Volatile.Read(ref turns[bidder]) >= 2), TimeSpan.FromSeconds(30), "every single bidder taking its posting twice");

        // The bound: a set waits its turn in each posting's queue, so it is not starved by singles that keep coming.
        await using var lease = await InFreshFlow(() => manager.AcquireManyAsync(Marketplace, ["a", "b"], Wait(TimeSpan.FromSeconds(20)), cancel).AsTask());
        Assert.True(lease.IsHeld);
        await stop.CancelAsync();
        await lease.ReleaseAsync();
        foreach (var single in singles)
        {
            try
            {
                Assert.True(await single > 0);
            }
            catch (OperationCanceledException)
            {
                // Stopped while waiting for its posting.
            }
        }
    }
}
