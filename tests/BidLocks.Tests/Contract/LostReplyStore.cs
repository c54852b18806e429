using BidLocks.Tests.Support;

namespace BidLocks.Tests.Contract;

/// <summary>
/// A backend's real store, except for two faults a test switches on: an acquire step whose reply is lost (the step
/// runs on the backend, then the caller hears only a timeout, as a Redis command does when the connection stalls
/// after sending it), and abandons that are held back until the test lets them through (a background abandon that
/// reaches the backend late). Everything else reaches the real backend.
/// </summary>
internal sealed class LostReplyStore(ILockStore inner) : DelegatingLockStore(inner)
{
    private readonly TaskCompletionSource _abandoned = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource? _abandonGate;
    private int _loseNextReply;

    /// <summary>Completes when the first abandon has reached the backend and finished.</summary>
    public Task FirstAbandonDone => _abandoned.Task;

    /// <summary>The next acquire step runs on the backend, and then its caller gets a timeout instead of the reply.</summary>
    public void LoseNextReply() => Volatile.Write(ref _loseNextReply, 1);

    /// <summary>Abandons wait until <see cref="LetAbandonsThrough"/>.</summary>
    public void HoldAbandons() => _abandonGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void LetAbandonsThrough() => _abandonGate?.TrySetResult();

    public override async ValueTask<AcquireAttempt> TryAcquireAsync(BidLockKey key, string holderId, string? attemptId, TimeSpan ttl, bool skipFencingToken, CancellationToken cancellationToken)
        => Deliver(await Inner.TryAcquireAsync(key, holderId, attemptId, ttl, skipFencingToken, cancellationToken));

    public override async ValueTask<AcquireAttempt> RetryAcquireAsync(BidLockKey key, string holderId, string? attemptId, TimeSpan ttl, bool skipFencingToken, CancellationToken cancellationToken)
        => Deliver(await Inner.RetryAcquireAsync(key, holderId, attemptId, ttl, skipFencingToken, cancellationToken));

    public override async ValueTask AbandonAsync(BidLockKey key, string holderId, string? attemptId)
    {
        if (_abandonGate is { } gate)
        {
            await gate.Task;
        }

        await Inner.AbandonAsync(key, holderId, attemptId);
        _abandoned.TrySetResult();
    }

    // The manager this store was taken from owns the backend and closes it.
    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private AcquireAttempt Deliver(AcquireAttempt attempt)
        => Interlocked.Exchange(ref _loseNextReply, 0) == 1 ? throw new TimeoutException("the reply to the acquire was lost") : attempt;
}
