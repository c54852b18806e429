namespace BidLocks;

/// <summary>
/// A lock that lives in this process's memory: mutual exclusion between the tasks of one process only. Use it for
/// tests and single-instance services; several instances need <c>SqliteBidLockManager</c> or <c>RedisBidLockManager</c>.
/// </summary>
public sealed class InMemoryBidLockManager : BidLockManagerBase
{
    /// <summary>Creates a manager with default options.</summary>
    public InMemoryBidLockManager()
        : this(new BidLockOptions())
    {
    }

    /// <summary>Creates a manager with <paramref name="options"/>.</summary>
    public InMemoryBidLockManager(BidLockOptions options)
        : base(new InMemoryLockStore((options ?? throw new ArgumentNullException(nameof(options))).TimeProvider), options)
    {
    }
}
