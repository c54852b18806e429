using BidLocks.Tests.Support;

namespace BidLocks.Tests.Contract.Multi;

/// <summary>
/// A set acquire returns only postings it still holds: one lost while it waited for another is taken again (a set taken in
/// order, one posting at a time, as one that re-enters a posting of its flow is).
/// </summary>
public abstract partial class MultiPostingContract
{
    [Fact(Timeout = 60_000)]
    public async Task A_member_lost_while_the_set_waits_for_another_is_had_again_before_the_set_returns()
    {
        var cancel = TestContext.Current.CancellationToken;
        var manager = await CreateManagerAsync();
        var other = await CreatePeerAsync(manager);
        var blocker = await InFreshFlow(() => other.AcquireAsync(Marketplace, "b", TimeSpan.FromSeconds(10), cancel).AsTask());

        // The set takes "a", then waits for "b" (in-memory peers share one manager: the blocker took "b" unopposed). It
        // re-enters "c", which its flow holds, so it is taken in order, one posting at a time: a set taken whole never
        // holds one posting while it waits for another (A_set_that_waits_holds_none_of_its_postings).
        var set = InFreshFlow(async () =>
        {
            await manager.AcquireAsync(Marketplace, "c", TimeSpan.FromSeconds(10), cancel);
            return await manager.AcquireManyAsync(Marketplace, ["a", "b", "c"], Wait(TimeSpan.FromSeconds(40)), cancel);
        });
        await Poll.UntilAsync(() => manager.GetMetrics().LockConflicts > 0, TimeSpan.FromSeconds(20), "the set finding 'b' taken");
        Assert.NotNull(await other.InspectAsync(Marketplace, "a", cancel));

        // Meanwhile an operator breaks the set's hold on "a" and another holder takes it.
        Assert.NotNull(await other.ForceReleaseAsync(Marketplace, "a", "ops@test", cancel));
        var taker = await InFreshFlow(() => other.AcquireAsync(Marketplace, "a", TimeSpan.FromSeconds(10), cancel).AsTask());
        var lostBefore = manager.GetMetrics().LeasesLost;
        Assert.True(await blocker.ReleaseAsync());

        // The set gets "b" and must find "a" gone before it returns: it counts the loss and waits on.
        await Poll.UntilAsync(() => set.IsCompleted || manager.GetMetrics().LeasesLost > lostBefore, TimeSpan.FromSeconds(20), "the set noticing the loss of 'a'");
        if (set.IsCompleted)
        {
            var early = await Record.ExceptionAsync(() => set);
            Assert.Fail(early is null
                ? $"The set returned {await set} (IsHeld {(await set).IsHeld}) while 'a' is held by {taker.HolderId}."
                : $"The set failed: {early}");
        }

        Assert.Equal(taker.HolderId, (await other.InspectAsync(Marketplace, "a", cancel))?.HolderId);

        // Once "a" is free again the set has both, each verified held, "a" with a fence above the taker's.
        Assert.True(await taker.ReleaseAsync());
        await using var lease = await set.WaitAsync(TimeSpan.FromSeconds(30), cancel);
        Assert.True(lease.IsHeld);
        Assert.True(lease.GetFencingToken("a") > taker.FencingToken, $"{lease.GetFencingToken("a")} after {taker.FencingToken}");
        Assert.Equal(lease.HolderId, (await other.InspectAsync(Marketplace, "a", cancel))?.HolderId);
        Assert.Equal(lease.HolderId, (await other.InspectAsync(Marketplace, "b", cancel))?.HolderId);
    }
}
