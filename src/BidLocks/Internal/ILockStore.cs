namespace BidLocks;

/// <summary>
/// The few atomic steps a backend provides. Everything else (validation, waiting, fairness, renewal, re-entry,
/// metrics) lives once in <see cref="BidLockManagerBase"/>. Methods throw on backend failure; the manager turns
/// that into <see cref="BidLockUnavailableException"/>.
/// </summary>
internal interface ILockStore : IAsyncDisposable
{
    string Backend { get; }

    /// <summary>
    /// Takes the lock when it is free, expired, or already held by <paramref name="holderId"/> (then its TTL is
    /// reset and its fence kept). The fence comes from the same atomic step.
    /// </summary>
    ValueTask<AcquireAttempt> TryAcquireAsync(BidLockKey key, string holderId, TimeSpan ttl, CancellationToken cancellationToken);

    /// <summary>Resets the TTL when <paramref name="holderId"/> still holds the lock; null when it does not.</summary>
    ValueTask<DateTimeOffset?> ExtendAsync(BidLockKey key, string holderId, TimeSpan ttl, CancellationToken cancellationToken);

    /// <summary>Deletes the lock when <paramref name="holderId"/> holds it, and tells waiters; false otherwise.</summary>
    ValueTask<bool> ReleaseAsync(BidLockKey key, string holderId, CancellationToken cancellationToken);

    ValueTask<int> CleanupExpiredAsync(CancellationToken cancellationToken);

    ValueTask<BidLockHealth> CheckHealthAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Registers the callback the store calls when it learns that another process released a lock, so local
    /// waiters retry at once instead of at their next backoff.
    /// </summary>
    void OnRemoteRelease(Action<string> releasedKey);
}

/// <summary>What one try at a lock found.</summary>
internal readonly struct AcquireAttempt
{
    private AcquireAttempt(bool acquired, long fencingToken, DateTimeOffset expiresAt, TimeSpan? retryAfter)
    {
        Acquired = acquired;
        FencingToken = fencingToken;
        ExpiresAt = expiresAt;
        RetryAfter = retryAfter;
    }

    public bool Acquired { get; }

    public long FencingToken { get; }

    public DateTimeOffset ExpiresAt { get; }

    /// <summary>When busy: how long until the current hold expires, if the backend knows.</summary>
    public TimeSpan? RetryAfter { get; }

    public static AcquireAttempt Success(long fencingToken, DateTimeOffset expiresAt) => new(true, fencingToken, expiresAt, null);

    public static AcquireAttempt Busy(TimeSpan? retryAfter) => new(false, 0, default, retryAfter);
}
