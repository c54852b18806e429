namespace BidLocks.Tests.Contract;

/// <summary>
/// The behaviour every backend keeps, written once. Each backend's test class derives from it and says
/// only how to make a manager; every test uses its own marketplace id, so backends may share one server.
/// </summary>
public abstract partial class BidLockManagerContract : IAsyncLifetime
{
    private readonly List<IBidLockManager> _managers = [];

    /// <summary>A marketplace id no other test uses.</summary>
    protected string Marketplace { get; } = "mkt-" + Guid.NewGuid().ToString("N");

    /// <summary>Makes a manager of the backend under test; several made by one test share the backend's storage.</summary>
    protected abstract ValueTask<IBidLockManager> CreateBackendManagerAsync(BidLockOptions options);

    /// <summary>
    /// Another manager that shares locks with <paramref name="first"/>, as a second instance of a service would:
    /// a new one on the same backend, or, for the in-memory backend whose table is per manager, the same one.
    /// </summary>
    protected virtual ValueTask<IBidLockManager> CreatePeerAsync(IBidLockManager first) => CreateManagerAsync();

    protected async ValueTask<IBidLockManager> CreateManagerAsync(Action<BidLockOptions>? configure = null)
    {
        var options = new BidLockOptions();
        configure?.Invoke(options);
        var manager = await CreateBackendManagerAsync(options);
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

    /// <summary>Runs <paramref name="work"/> in a flow that holds no lock of the caller's (no re-entry).</summary>
    protected static Task<T> InFreshFlow<T>(Func<Task<T>> work)
    {
        using (ExecutionContext.SuppressFlow())
        {
            return Task.Run(work);
        }
    }

    protected static Task InFreshFlow(Func<Task> work)
    {
        using (ExecutionContext.SuppressFlow())
        {
            return Task.Run(work);
        }
    }
}
