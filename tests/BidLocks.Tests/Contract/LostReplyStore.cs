namespace BidLocks.Tests.Contract;

/// <summary>
/// A backend's real store, except for two faults a test switches on: an acquire step whose reply is lost (the step
/// runs on the backend, then the caller hears only a timeout, as a Redis command does when the connection stalls
/// after sending it), and abandons that are held back until the test lets them through (a background abandon that
/// reaches the backend late). Everything else reaches the real backend.
/// </summary>
internal sealed class LostReplyStore(ILockStore inner) : ILockStore
{
    private readonly TaskCompletionSource _abandoned = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource? _abandonGate;
    private int _loseNextReply;

    public string Backend => inner.Backend;

    public TimeSpan FirstRetryDelay => inner.FirstRetryDelay;

    /// <summary>Completes when the first abandon has reached the backend and finished.</summary>
    public Task FirstAbandonDone => _abandoned.Task;

    /// <summary>The next acquire step runs on the backend, and then its caller gets a timeout instead of the reply.</summary>
    public void LoseNextReply() => Volatile.Write(ref _loseNextReply, 1);

    /// <summary>Abandons wait until <see cref="LetAbandonsThrough"/>.</summary>
    public void HoldAbandons() => _abandonGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void LetAbandonsThrough() => _abandonGate?.TrySetResult();

    public async ValueTask<AcquireAttempt> TryAcquireAsync(BidLockKey key, string holderId, string? attemptId, TimeSpan ttl, bool fence, CancellationToken cancellationToken)
        => Deliver(await inner.TryAcquireAsync(key, holderId, attemptId, ttl, fence, cancellationToken));

    public async ValueTask<AcquireAttempt> RetryAcquireAsync(BidLockKey key, string holderId, string? attemptId, TimeSpan ttl, bool fence, CancellationToken cancellationToken)
        => Deliver(await inner.RetryAcquireAsync(key, holderId, attemptId, ttl, fence, cancellationToken));

    public ValueTask<long?> TakeFenceAsync(BidLockKey key, string holderId) => inner.TakeFenceAsync(key, holderId);

    public async ValueTask AbandonAsync(BidLockKey key, string holderId, string? attemptId)
    {
        if (_abandonGate is { } gate)
        {
            await gate.Task;
        }

        await inner.AbandonAsync(key, holderId, attemptId);
        _abandoned.TrySetResult();
    }

    public ValueTask<LeaseExpiry?> ExtendAsync(BidLockKey key, string holderId, TimeSpan ttl, CancellationToken cancellationToken) => inner.ExtendAsync(key, holderId, ttl, cancellationToken);

    public ValueTask<bool> ReleaseAsync(BidLockKey key, string holderId, CancellationToken cancellationToken) => inner.ReleaseAsync(key, holderId, cancellationToken);

    public ValueTask<int> CleanupExpiredAsync(CancellationToken cancellationToken) => inner.CleanupExpiredAsync(cancellationToken);

    public ValueTask<BidLockHealth> CheckHealthAsync(CancellationToken cancellationToken) => inner.CheckHealthAsync(cancellationToken);

    public void OnRemoteRelease(Action<string?> releasedKey) => inner.OnRemoteRelease(releasedKey);

    // The manager this store was taken from owns the backend and closes it.
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private AcquireAttempt Deliver(AcquireAttempt attempt)
        => Interlocked.Exchange(ref _loseNextReply, 0) == 1 ? throw new TimeoutException("the reply to the acquire was lost") : attempt;
}
