namespace BidLocks.Tests.Support;

/// <summary>
/// A real store whose first grant reaches the manager only when the test says so: the backend has granted the lock,
/// and its reply is held back, as a late reply would be. Everything else passes straight through.
/// </summary>
internal sealed class HeldReplyStore(ILockStore inner) : ILockStore
{
    private readonly TaskCompletionSource _granted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _reply = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _held;

    /// <summary>Completes once the backend has granted a lock whose reply is now held.</summary>
    public Task Granted => _granted.Task;

    /// <summary>Lets the held reply through.</summary>
    public void Reply() => _reply.TrySetResult();

    public string Backend => inner.Backend;

    public TimeSpan FirstRetryDelay => inner.FirstRetryDelay;

    public async ValueTask<AcquireAttempt> TryAcquireAsync(BidLockKey key, string holderId, string? attemptId, TimeSpan ttl, bool fence, CancellationToken cancellationToken)
        => await HoldFirstGrantAsync(await inner.TryAcquireAsync(key, holderId, attemptId, ttl, fence, cancellationToken));

    public async ValueTask<AcquireAttempt> RetryAcquireAsync(BidLockKey key, string holderId, string? attemptId, TimeSpan ttl, bool fence, CancellationToken cancellationToken)
        => await HoldFirstGrantAsync(await inner.RetryAcquireAsync(key, holderId, attemptId, ttl, fence, cancellationToken));

    public ValueTask<long?> TakeFenceAsync(BidLockKey key, string holderId) => inner.TakeFenceAsync(key, holderId);

    public ValueTask AbandonAsync(BidLockKey key, string holderId, string? attemptId) => inner.AbandonAsync(key, holderId, attemptId);

    public ValueTask<LeaseExpiry?> ExtendAsync(BidLockKey key, string holderId, TimeSpan ttl, CancellationToken cancellationToken) => inner.ExtendAsync(key, holderId, ttl, cancellationToken);

    public ValueTask<bool> ReleaseAsync(BidLockKey key, string holderId, CancellationToken cancellationToken) => inner.ReleaseAsync(key, holderId, cancellationToken);

    public ValueTask<int> CleanupExpiredAsync(CancellationToken cancellationToken) => inner.CleanupExpiredAsync(cancellationToken);

    public ValueTask<BidLockHealth> CheckHealthAsync(CancellationToken cancellationToken) => inner.CheckHealthAsync(cancellationToken);

    public void OnRemoteRelease(Action<string?> releasedKey) => inner.OnRemoteRelease(releasedKey);

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private async Task<AcquireAttempt> HoldFirstGrantAsync(AcquireAttempt attempt)
    {
        if (attempt.Acquired && Interlocked.Exchange(ref _held, 1) == 0)
        {
            _granted.TrySetResult();
            await _reply.Task;
        }

        return attempt;
    }
}

/// <summary>A manager over any store a test builds (a real one, or a real one wrapped to inject a fault or a delay).</summary>
internal sealed class ManagerOverStore(ILockStore store, BidLockOptions options) : BidLockManagerBase(store, options);
