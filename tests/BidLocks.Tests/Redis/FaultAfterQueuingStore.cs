using BidLocks.Tests.Support;

namespace BidLocks.Tests.Redis;

/// <summary>
/// The real Redis store, except that a try which found the lock busy (and so joined the queue in Redis) then throws,
/// as a try can after its queued step: cancelled at the store's next check, or the connection dropping before its
/// next round trip. Everything reaches the real server; only the fault is injected.
/// </summary>
internal sealed class FaultAfterQueuingStore(ILockStore inner, Func<Exception> fault) : DelegatingLockStore(inner)
{
    public override async ValueTask<AcquireAttempt> TryAcquireAsync(BidLockKey key, string holderId, string? attemptId, TimeSpan ttl, bool skipFencingToken, CancellationToken cancellationToken)
        => ThrowIfBusy(await Inner.TryAcquireAsync(key, holderId, attemptId, ttl, skipFencingToken, cancellationToken));

    public override async ValueTask<AcquireAttempt> RetryAcquireAsync(BidLockKey key, string holderId, string? attemptId, TimeSpan ttl, bool skipFencingToken, CancellationToken cancellationToken)
        => ThrowIfBusy(await Inner.RetryAcquireAsync(key, holderId, attemptId, ttl, skipFencingToken, cancellationToken));

    private AcquireAttempt ThrowIfBusy(AcquireAttempt attempt) => attempt.Acquired ? attempt : throw fault();
}
