namespace BidLocks;

/// <summary>Creates the lock manager the environment asks for (DESIGN §3), and holds the process-wide one.</summary>
public static class BidLockManagerFactory
{
    private static readonly SemaphoreSlim SharedGate = new(1, 1);
    private static IBidLockManager? s_shared;

    /// <summary>Creates a new manager for <paramref name="options"/> (default: from the environment).</summary>
    public static ValueTask<IBidLockManager> CreateAsync(BidLockOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        options ??= new BidLockOptions();
        options.Validate();
        // The Redis and SQLite backends join here when they land; until then every process gets the in-memory lock.
        return new ValueTask<IBidLockManager>(new InMemoryBidLockManager(options));
    }

    /// <summary>The process-wide manager, created on first use from the environment. Thread-safe.</summary>
    public static ValueTask<IBidLockManager> GetSharedAsync(CancellationToken cancellationToken = default)
    {
        var shared = Volatile.Read(ref s_shared);
        return shared is not null ? new ValueTask<IBidLockManager>(shared) : CreateSharedAsync(cancellationToken);
    }

    private static async ValueTask<IBidLockManager> CreateSharedAsync(CancellationToken cancellationToken)
    {
        await SharedGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // A second caller that waited on the gate finds the first caller's manager.
            if (s_shared is { } existing)
            {
                return existing;
            }

            var created = await CreateAsync(null, cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref s_shared, created);
            return created;
        }
        finally
        {
            SharedGate.Release();
        }
    }
}
