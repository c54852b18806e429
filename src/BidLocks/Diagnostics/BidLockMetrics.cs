namespace BidLocks;

/// <summary>A snapshot of one manager's counters since it was created.</summary>
public sealed record BidLockMetrics
{
    /// <summary>Acquire calls, of every form.</summary>
    public long LockAttempts { get; init; }

    /// <summary>Acquire calls that got the lock (re-entries included).</summary>
    public long LockSuccesses { get; init; }

    /// <summary>Times an attempt found the lock held by someone else and had to wait.</summary>
    public long LockConflicts { get; init; }

    /// <summary>Acquire calls that gave up because the timeout passed.</summary>
    public long LockTimeouts { get; init; }

    /// <summary>Backend calls that failed (unreachable, refused, corrupt).</summary>
    public long BackendErrors { get; init; }

    /// <summary>Locks released by their holder.</summary>
    public long LockReleases { get; init; }

    /// <summary>Leases that were lost (expired, stolen or capped) while held.</summary>
    public long LeasesLost { get; init; }

    /// <summary>Successful lease renewals.</summary>
    public long LeaseExtensions { get; init; }

    /// <summary>Acquire calls satisfied by a lock this async flow already held.</summary>
    public long Reentries { get; init; }
}
