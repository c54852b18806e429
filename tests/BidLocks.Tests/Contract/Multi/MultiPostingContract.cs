namespace BidLocks.Tests.Contract.Multi;

/// <summary>
/// What every backend keeps for multi-posting locks (<see cref="IBidLockManager.AcquireManyAsync"/>), written once.
/// A class of its own, apart from <see cref="BidLockManagerContract"/>, so that its tests run under names that say
/// "Multi"; each backend's class derives from it and says only how to make a manager.
/// </summary>
public abstract partial class MultiPostingContract : IAsyncLifetime
{
    private readonly List<IBidLockManager> _managers = [];

    /// <summary>A marketplace id no other test uses.</summary>
    protected string Marketplace { get; } = "mkt-" + Guid.NewGuid().ToString("N");

    /// <summary>Makes a manager of the backend under test; several made by one test share the backend's storage.</summary>
    protected abstract ValueTask<IBidLockManager> CreateBackendManagerAsync(BidLockOptions options);

    /// <summary>
    /// False where the backend takes a set one posting at a time in lock order (its postings on different cluster
    /// slots, or grants confirmed by replicas): such a set holds the postings before the one it waits for.
    /// </summary>
    protected virtual bool TakesSetsWhole => true;

    /// <summary>
    /// True where a waiting set only looks for its first tries, standing in no queue (docs/multi-posting.md): a posting
    /// released meanwhile goes to whoever waits for it. False where it waits in line from the first try (in memory), or
    /// takes its postings one at a time and holds the first ones (<see cref="TakesSetsWhole"/> false on MinReplicas).
    /// </summary>
    protected virtual bool SetsLookFirst => true;

    /// <summary>
    /// Where <see cref="TakesSetsWhole"/> is false: whether a set has taken <paramref name="earlier"/> by the time it
    /// waits for <paramref name="later"/> (always, taken posting by posting; on a cluster, when its slot comes first).
    /// </summary>
    protected virtual ValueTask<bool> TakenBeforeAsync(string earlier, string later) => ValueTask.FromResult(true);

    /// <summary>Another manager that shares locks with <paramref name="first"/> (the same one for the in-memory backend).</summary>
    protected virtual ValueTask<IBidLockManager> CreatePeerAsync(IBidLockManager first) => CreateManagerAsync();

    protected async ValueTask<IBidLockManager> CreateManagerAsync()
    {
        var manager = await CreateBackendManagerAsync(new BidLockOptions());
        lock (_managers)
        {
            _managers.Add(manager);
        }

        return manager;
    }

    public virtual ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public virtual async ValueTask DisposeAsync()
    {
        foreach (var manager in _managers)
        {
            await manager.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    protected static BidLockAcquireOptions Wait(TimeSpan timeout) => new(Timeout: timeout);

    /// <summary>Runs <paramref name="work"/> in a flow that holds no lock of the caller's (no re-entry).</summary>
    protected static Task<T> InFreshFlow<T>(Func<Task<T>> work)
    {
        using (ExecutionContext.SuppressFlow())
        {
            return Task.Run(work);
        }
    }

    /// <summary>True when a flow that holds nothing can take <paramref name="posting"/> at once (and gives it back).</summary>
    protected Task<bool> IsFreeAsync(IBidLockManager manager, string posting) => InFreshFlow(async () =>
    {
        var lease = await manager.TryAcquireAsync(Marketplace, posting, TimeSpan.Zero, TestContext.Current.CancellationToken);
        if (lease is null)
        {
            return false;
        }

        await lease.ReleaseAsync();
        return true;
    });
}
