namespace BidLocks.Tests.Redis;

/// <summary>
/// The real Redis store, except that a try which found the lock busy (and so joined the queue in Redis) then throws,
/// as a try can after its queued step: cancelled at the store's next check, or the connection dropping before its
/// next round trip. Everything reaches the real server; only the fault is injected.
/// </summary>
internal sealed class FaultAfterQueuingStore(ILockStore inner, Func<Exception> fault) : ILockStore
{
    public string Backend => inner.Backend;

    public TimeSpan FirstRetryDelay => inner.FirstRetryDelay;

    public async ValueTask<AcquireAttempt> TryAcquireAsync(BidLockKey key, string holderId, string? attemptId, TimeSpan ttl, bool fence, CancellationToken cancellationToken)
        => ThrowIfBusy(await inner.TryAcquireAsync(key, holderId, attemptId, ttl, fence, cancellationToken));

    public async ValueTask<AcquireAttempt> RetryAcquireAsync(BidLockKey key, string holderId, string? attemptId, TimeSpan ttl, bool fence, CancellationToken cancellationToken)
        => ThrowIfBusy(await inner.RetryAcquireAsync(key, holderId, attemptId, ttl, fence, cancellationToken));

    public ValueTask<long?> TakeFenceAsync(BidLockKey key, string holderId) => inner.TakeFenceAsync(key, holderId);

    public ValueTask AbandonAsync(BidLockKey key, string holderId, string? attemptId) => inner.AbandonAsync(key, holderId, attemptId);

    public ValueTask<LeaseExpiry?> ExtendAsync(BidLockKey key, string holderId, TimeSpan ttl, CancellationToken cancellationToken) => inner.ExtendAsync(key, holderId, ttl, cancellationToken);

    public ValueTask<bool> ReleaseAsync(BidLockKey key, string holderId, CancellationToken cancellationToken) => inner.ReleaseAsync(key, holderId, cancellationToken);

    public ValueTask<int> CleanupExpiredAsync(CancellationToken cancellationToken) => inner.CleanupExpiredAsync(cancellationToken);

    public ValueTask<BidLockHealth> CheckHealthAsync(CancellationToken cancellationToken) => inner.CheckHealthAsync(cancellationToken);

    public void OnRemoteRelease(Action<string?> releasedKey) => inner.OnRemoteRelease(releasedKey);

    public void OnHoldsInDoubt(Action<HoldsInDoubt> inDoubt) => inner.OnHoldsInDoubt(inDoubt);

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private AcquireAttempt ThrowIfBusy(AcquireAttempt attempt) => attempt.Acquired ? attempt : throw fault();
}

/// <summary>A manager over <see cref="FaultAfterQueuingStore"/>.</summary>
internal sealed class FaultAfterQueuingManager(ILockStore store, BidLockOptions options) : BidLockManagerBase(store, options);
