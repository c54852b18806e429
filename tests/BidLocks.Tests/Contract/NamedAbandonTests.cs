using BidLocks.Tests.Support;

namespace BidLocks.Tests.Contract;

/// <summary>
/// A holder-named acquire that fails leaves the backend in the background (its place in a queue, a grant it never
/// heard of). That abandon removes only what its own attempt may have left: never the hold the holder had before the
/// attempt, nor the one it got after it. The faults are injected (<see cref="LostReplyStore"/>); the backend is real.
/// </summary>
public abstract partial class BidLockManagerContract
{
    [Fact(Timeout = 30_000)]
    public async Task A_named_holder_whose_second_ask_fails_keeps_the_lock_it_already_had()
    {
        var cancel = TestContext.Current.CancellationToken;
        var (rival, store, holder) = await CreateLostReplyManagerAsync();
        Assert.True(await holder.AcquireLockAsync(Marketplace, "asked-again", "holder-1", TimeSpan.Zero, cancel));

        store.LoseNextReply();
        await Assert.ThrowsAsync<BidLockUnavailableException>(async () => await holder.AcquireLockAsync(Marketplace, "asked-again", "holder-1", TimeSpan.Zero, cancel));
        await store.FirstAbandonDone.WaitAsync(cancel);

        Assert.False(await rival.AcquireLockAsync(Marketplace, "asked-again", "holder-2", TimeSpan.Zero, cancel), "another holder got the lock while holder-1 still held it");
        Assert.True(await holder.ReleaseLockAsync(Marketplace, "asked-again", "holder-1", cancel), "holder-1 no longer held the lock it had before asking again");
    }

    [Fact(Timeout = 30_000)]
    public async Task A_late_abandon_of_a_failed_named_acquire_spares_the_hold_its_retry_got()
    {
        var cancel = TestContext.Current.CancellationToken;
        var (rival, store, holder) = await CreateLostReplyManagerAsync();
        store.LoseNextReply();
        store.HoldAbandons();
        await Assert.ThrowsAsync<BidLockUnavailableException>(async () => await holder.AcquireLockAsync(Marketplace, "retried", "holder-1", TimeSpan.Zero, cancel));

        // The caller tries again at once; the abandon of the failed call reaches the backend late: after the retry's
        // answer, or after a second if the retry waits for it.
        var retry = holder.AcquireLockAsync(Marketplace, "retried", "holder-1", TimeSpan.FromSeconds(20), cancel).AsTask();
        await Task.WhenAny(retry, Task.Delay(TimeSpan.FromSeconds(1), cancel));
        store.LetAbandonsThrough();
        Assert.True(await retry);
        await store.FirstAbandonDone.WaitAsync(cancel);

        Assert.False(await rival.AcquireLockAsync(Marketplace, "retried", "holder-2", TimeSpan.Zero, cancel), "another holder got the lock while holder-1 held it");
        Assert.True(await holder.ReleaseLockAsync(Marketplace, "retried", "holder-1", cancel), "the late abandon removed the hold the retry got");
    }

    /// <summary>
    /// A rival manager of the backend under test, and a holder's manager over the same backend store through
    /// <see cref="LostReplyStore"/>.
    /// </summary>
    private async Task<(IBidLockManager Rival, LostReplyStore Store, IBidLockManager Holder)> CreateLostReplyManagerAsync()
    {
        var rival = (BidLockManagerBase)await CreateManagerAsync();
        var store = new LostReplyStore(rival.Store);
        var holder = new ManagerOverStore(store, new BidLockOptions());
        lock (_managers)
        {
            // Closed before the rival, which owns the backend.
            _managers.Insert(0, holder);
        }

        return (rival, store, holder);
    }
}
