namespace BidLocks.Tests.Contract;

public abstract partial class BidLockManagerContract
{
    [Fact(Timeout = 30_000)]
    public async Task A_task_forked_from_the_holder_is_told_when_the_outer_lease_is_released()
    {
        var cancel = TestContext.Current.CancellationToken;
        var manager = await CreateManagerAsync();
        var outer = await manager.AcquireAsync(Marketplace, "forked", cancellationToken: cancel);
        var forkHasLease = new TaskCompletionSource<BidLockLease>(TaskCreationOptions.RunContinuationsAsynchronously);
        var outerReleased = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // A fork of the holder's flow re-enters the lock, then keeps working after the holder lets it go.
        var fork = Task.Run(async () =>
        {
            var inner = await manager.AcquireAsync(Marketplace, "forked", TimeSpan.Zero, cancel);
            var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var registration = inner.LostToken.Register(() => stopped.TrySetResult());
            forkHasLease.SetResult(inner);
            await outerReleased.Task;
            await stopped.Task.WaitAsync(TimeSpan.FromSeconds(10), cancel);
            return inner;
        }, cancel);
        var forked = await forkHasLease.Task.WaitAsync(cancel);
        Assert.Equal(outer.FencingToken, forked.FencingToken);
        Assert.True(forked.IsHeld);
        Assert.False(forked.LostToken.IsCancellationRequested);

        Assert.True(await outer.ReleaseAsync());
        outerReleased.SetResult();

        // Read at once after the release: the fork's token has fired and its lease no longer counts as held.
        Assert.True(forked.LostToken.IsCancellationRequested);
        Assert.False(forked.IsHeld);
        Assert.True(outer.LostToken.IsCancellationRequested);
        Assert.False(outer.IsLost);
        await fork;

        // Nobody holds the posting now: another flow takes it at once.
        var next = await InFreshFlow(async () => await manager.TryAcquireAsync(Marketplace, "forked", TimeSpan.Zero, cancel));
        Assert.NotNull(next);
        Assert.True(next.FencingToken > outer.FencingToken);
        Assert.False(next.LostToken.IsCancellationRequested);
        Assert.True(await next.ReleaseAsync());
    }
}
