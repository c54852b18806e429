namespace BidLocks.Tests.Support;

/// <summary>
/// A real store whose first grant reaches the manager only when the test says so: the backend has granted the lock,
/// and its reply is held back, as a late reply would be. Everything else passes straight through.
/// </summary>
internal sealed class HeldReplyStore(ILockStore inner) : DelegatingLockStore(inner)
{
    private readonly TaskCompletionSource _granted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _reply = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _held;

    /// <summary>Completes once the backend has granted a lock whose reply is now held.</summary>
    public Task Granted => _granted.Task;

    /// <summary>Lets the held reply through.</summary>
    public void Reply() => _reply.TrySetResult();

    public override async ValueTask<AcquireAttempt> TryAcquireAsync(BidLockKey key, string holderId, string? attemptId, TimeSpan ttl, bool skipFencingToken, CancellationToken cancellationToken)
        => await HoldFirstGrantAsync(await Inner.TryAcquireAsync(key, holderId, attemptId, ttl, skipFencingToken, cancellationToken));

    public override async ValueTask<AcquireAttempt> RetryAcquireAsync(BidLockKey key, string holderId, string? attemptId, TimeSpan ttl, bool skipFencingToken, CancellationToken cancellationToken)
        => await HoldFirstGrantAsync(await Inner.RetryAcquireAsync(key, holderId, attemptId, ttl, skipFencingToken, cancellationToken));

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
