namespace BidLocks.Tests.Support;

/// <summary>
/// A real store passed through whole: a test's fault-injecting store derives from it and overrides only the step it
/// changes, so everything else (and every member the store contract gains later) still reaches the real backend.
/// </summary>
internal abstract class DelegatingLockStore(ILockStore inner) : ILockStore
{
    protected ILockStore Inner => inner;

    public string Backend => inner.Backend;

    public TimeSpan FirstRetryDelay => inner.FirstRetryDelay;

    public virtual ValueTask<AcquireAttempt> TryAcquireAsync(BidLockKey key, string holderId, string? attemptId, TimeSpan ttl, bool skipFencingToken, CancellationToken cancellationToken)
        => inner.TryAcquireAsync(key, holderId, attemptId, ttl, skipFencingToken, cancellationToken);

    public virtual ValueTask<AcquireAttempt> RetryAcquireAsync(BidLockKey key, string holderId, string? attemptId, TimeSpan ttl, bool skipFencingToken, CancellationToken cancellationToken)
        => inner.RetryAcquireAsync(key, holderId, attemptId, ttl, skipFencingToken, cancellationToken);

    public ValueTask<long?> TakeFenceAsync(BidLockKey key, string holderId) => inner.TakeFenceAsync(key, holderId);

    public virtual ValueTask AbandonAsync(BidLockKey key, string holderId, string? attemptId) => inner.AbandonAsync(key, holderId, attemptId);

    public ValueTask<LeaseExpiry?> ExtendAsync(BidLockKey key, string holderId, TimeSpan ttl, CancellationToken cancellationToken) => inner.ExtendAsync(key, holderId, ttl, cancellationToken);

    public ValueTask<bool> ReleaseAsync(BidLockKey key, string holderId, CancellationToken cancellationToken) => inner.ReleaseAsync(key, holderId, cancellationToken);

    public ValueTask<int> CleanupExpiredAsync(CancellationToken cancellationToken) => inner.CleanupExpiredAsync(cancellationToken);

    public ValueTask<BidLockHealth> CheckHealthAsync(CancellationToken cancellationToken) => inner.CheckHealthAsync(cancellationToken);

    public string? Explain(Exception exception) => inner.Explain(exception);

    public void OnRemoteRelease(Action<string?> releasedKey) => inner.OnRemoteRelease(releasedKey);

    public void OnHoldsInDoubt(Action<HoldsInDoubt> inDoubt) => inner.OnHoldsInDoubt(inDoubt);

    public void OnGenerationEnded(Action<string> loseEveryLease) => inner.OnGenerationEnded(loseEveryLease);

    public bool CountsWaiters => inner.CountsWaiters;

    public ValueTask<BidLockInfo?> InspectAsync(BidLockKey key, CancellationToken cancellationToken) => inner.InspectAsync(key, cancellationToken);

    public ValueTask<IReadOnlyList<BidLockInfo>> ListHeldAsync(string keyPrefix, string? marketplaceId, int limit, CancellationToken cancellationToken)
        => inner.ListHeldAsync(keyPrefix, marketplaceId, limit, cancellationToken);

    public ValueTask<BrokenHold?> ForceReleaseAsync(BidLockKey key, string note, CancellationToken cancellationToken) => inner.ForceReleaseAsync(key, note, cancellationToken);

    public ValueTask<string?> ReadForcedReleaseAsync(BidLockKey key, string holderId, CancellationToken cancellationToken) => inner.ReadForcedReleaseAsync(key, holderId, cancellationToken);

    public virtual ValueTask DisposeAsync() => inner.DisposeAsync();
}

/// <summary>A manager over any store a test builds (a real one, or a real one wrapped to inject a fault or a delay).</summary>
internal sealed class ManagerOverStore(ILockStore store, BidLockOptions options) : BidLockManagerBase(store, options);
