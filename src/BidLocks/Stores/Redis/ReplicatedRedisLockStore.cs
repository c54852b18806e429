using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace BidLocks;

/// <summary>
/// The Redis lock with <see cref="BidLockOptions.MinReplicas"/> above 0: each grant and each renewal of the wrapped
/// <see cref="RedisLockStore"/> counts only once that many replicas acknowledged it (<see cref="RedisReplicaWait"/>).
/// A grant they do not acknowledge in time is released (compare-and-delete) and fails closed with
/// <see cref="BidLockUnavailableException"/>; a renewal they do not acknowledge loses the lease.
/// </summary>
/// <remarks>
/// A wrapper, used only when MinReplicas is above 0, so that the default adds nothing to the lock's hot path: not a
/// command, not a branch, not an allocation. Releases are not waited for: a release a promoted replica missed leaves
/// the lock held there, which delays the next holder but never lets two in; a release that failed for want of a
/// connection is sent again until it lands (<see cref="RedisReleaseRetry"/>, kept by the wrapped store whatever
/// MinReplicas is), so the posting is free once the new primary answers rather than a TTL later.
/// </remarks>
internal sealed class ReplicatedRedisLockStore : ILockStore, ILockInspection
{
    private readonly RedisLockStore _inner;
    private readonly RedisReplicaWait _wait;
    private readonly ILogger _logger;

    private ReplicatedRedisLockStore(RedisLockStore inner, RedisReplicationSettings settings, BidLockOptions options, ILogger logger)
    {
        _inner = inner;
        _wait = new RedisReplicaWait(inner.Connection, () => inner.Database, settings);
        inner.OnRouted(_wait.Watch);
        _logger = logger;
    }

    /// <summary>The store to lock with: <paramref name="store"/> itself when no replica is required.</summary>
    public static ILockStore Over(RedisLockStore store, RedisReplicationSettings settings, BidLockOptions options)
        => settings.MinReplicas <= 0
            ? store
            : new ReplicatedRedisLockStore(store, settings, options, options.LoggerFactory?.CreateLogger(BidLockTelemetry.LoggerCategory) ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

    public string Backend => _inner.Backend;

    public TimeSpan FirstRetryDelay => ((ILockStore)_inner).FirstRetryDelay;

    public async ValueTask<AcquireAttempt> TryAcquireAsync(BidLockKey key, string holderId, string? attemptId, TimeSpan ttl, bool skipFencingToken, CancellationToken cancellationToken)
    {
        var epoch = _wait.Epoch;
        var attempt = await _inner.TryAcquireAsync(key, holderId, attemptId, ttl, skipFencingToken, cancellationToken).ConfigureAwait(false);
        return attempt.Acquired ? await ConfirmGrantAsync(key, holderId, attemptId, ttl, attempt, epoch).ConfigureAwait(false) : attempt;
    }

    public async ValueTask<AcquireAttempt> RetryAcquireAsync(BidLockKey key, string holderId, string? attemptId, TimeSpan ttl, bool skipFencingToken, CancellationToken cancellationToken)
    {
        var epoch = _wait.Epoch;
        var attempt = await _inner.RetryAcquireAsync(key, holderId, attemptId, ttl, skipFencingToken, cancellationToken).ConfigureAwait(false);
        return attempt.Acquired ? await ConfirmGrantAsync(key, holderId, attemptId, ttl, attempt, epoch).ConfigureAwait(false) : attempt;
    }

    // A fence taken for a hold the replicas already acknowledged: losing it on fail-over costs nothing, because the
    // next fence is floored by the new primary's clock.
    public ValueTask<long?> TakeFenceAsync(BidLockKey key, string holderId) => _inner.TakeFenceAsync(key, holderId);

    public ValueTask AbandonAsync(BidLockKey key, string holderId, string? attemptId) => _inner.AbandonAsync(key, holderId, attemptId);

    public async ValueTask<LeaseExpiry?> ExtendAsync(BidLockKey key, string holderId, TimeSpan ttl, CancellationToken cancellationToken)
    {
        var epoch = _wait.Epoch;
        var expiry = await _inner.ExtendAsync(key, holderId, ttl, cancellationToken).ConfigureAwait(false);
        if (expiry is null)
        {
            return null;
        }

        var acknowledgement = await AwaitReplicasAsync(key, holderId, ttl, epoch).ConfigureAwait(false);
        if (acknowledgement.Confirmed)
        {
            return expiry;
        }

        // The lease counts as lost, so the body hears of it through LostToken; the lock itself stays held on the primary
        // until the body ends (its lease is then released) or its TTL runs out, so nobody else gets in while the body
        // is still being told to stop.
        RedisLog.RenewalNotReplicated(_logger, key.Value, acknowledgement.Describe(_wait.Settings.Timeout));
        return null;
    }

    // A release that fails for want of a connection is sent again by the wrapped store.
    public ValueTask<bool> ReleaseAsync(BidLockKey key, string holderId, CancellationToken cancellationToken) => _inner.ReleaseAsync(key, holderId, cancellationToken);

    public ValueTask<int> CleanupExpiredAsync(CancellationToken cancellationToken) => _inner.CleanupExpiredAsync(cancellationToken);

    public async ValueTask<BidLockHealth> CheckHealthAsync(CancellationToken cancellationToken)
    {
        var health = await _inner.CheckHealthAsync(cancellationToken).ConfigureAwait(false);
        return await RedisReplicaHealth.DescribeAsync(health, _inner.Database, _wait, cancellationToken).ConfigureAwait(false);
    }

    public string? Explain(Exception exception) => _inner.Explain(exception);

    public void OnRemoteRelease(Action<string?> releasedKey) => _inner.OnRemoteRelease(releasedKey);

    public void OnHoldsInDoubt(Action<HoldsInDoubt> inDoubt) => _inner.OnHoldsInDoubt(inDoubt);

    // Inspection reads, and an operator's forced release is not a grant: neither waits for the replicas.
    public ValueTask<BidLockInfo?> InspectAsync(BidLockKey key, CancellationToken cancellationToken) => _inner.InspectAsync(key, cancellationToken);

    public ValueTask<IReadOnlyList<BidLockInfo>> ListHeldAsync(string keyPrefix, string? marketplaceId, int limit, CancellationToken cancellationToken)
        => _inner.ListHeldAsync(keyPrefix, marketplaceId, limit, cancellationToken);

    public ValueTask<BrokenHold?> ForceReleaseAsync(BidLockKey key, string note, CancellationToken cancellationToken) => _inner.ForceReleaseAsync(key, note, cancellationToken);

    public ValueTask<string?> ReadForcedReleaseAsync(BidLockKey key, string holderId, CancellationToken cancellationToken) => _inner.ReadForcedReleaseAsync(key, holderId, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        _wait.Dispose();
        await _inner.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// The replicas' acknowledgement of a step made at <paramref name="epoch"/>. When a connection event came between
    /// the step and its <c>WAIT</c> (a fail-over, or only a multiplexer still settling after its first connect, which
    /// a fresh manager under load sees), the count says nothing of the step: the hold is then written once more on the
    /// connection the lock steps use now (a renewal, which succeeds only while this holder holds the lock on that
    /// server) and waited for again, so the new <c>WAIT</c> covers it. Not held there: the step stays unconfirmed.
    /// </summary>
    private async Task<ReplicaAcknowledgement> AwaitReplicasAsync(BidLockKey key, string holderId, TimeSpan ttl, int epoch)
    {
        var acknowledgement = await _wait.AwaitAsync(epoch).ConfigureAwait(false);
        if (!acknowledgement.ConnectionChanged)
        {
            return acknowledgement;
        }

        var now = _wait.Epoch;
        return await _inner.ExtendAsync(key, holderId, ttl, CancellationToken.None).ConfigureAwait(false) is null
            ? acknowledgement
            : await _wait.AwaitAsync(now).ConfigureAwait(false);
    }

    private async ValueTask<AcquireAttempt> ConfirmGrantAsync(BidLockKey key, string holderId, string? attemptId, TimeSpan ttl, AcquireAttempt attempt, int epoch)
    {
        string reason;
        Exception? failure = null;
        try
        {
            var acknowledgement = await AwaitReplicasAsync(key, holderId, ttl, epoch).ConfigureAwait(false);
            if (acknowledgement.Confirmed)
            {
                return attempt;
            }

            reason = acknowledgement.Describe(_wait.Settings.Timeout);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException or NotSupportedException)
        {
            failure = exception;
            reason = $"waiting for the replicas failed ({exception.Message}{(_inner.Explain(exception) is { } advice ? " " + advice : string.Empty)})";
        }

        // Fail closed: the body must not run on a grant a fail-over could lose, and the lock must not block the posting
        // for a TTL either. Compare-and-delete: only this holder's grant goes. A holder-named lock's grant is not
        // released here: it may be a hold the holder had before and asked for again, which must stay. The abandon that
        // follows every failed attempt gives it back only if this attempt granted it (see RedisScripts.Abandon).
        if (attemptId is not null)
        {
            throw new BidLockUnavailableException(
                Backend,
                $"The {Backend} lock on '{key.Value}' was granted, but {reason}; the grant is given back unless the holder already held the lock.",
                failure);
        }

        var released = await TryReleaseAsync(key, holderId).ConfigureAwait(false);
        throw new BidLockUnavailableException(
            Backend,
            $"The {Backend} lock on '{key.Value}' was granted, but {reason}; "
                + (released ? "it was released" : "its release failed and is being sent again") + " and the body did not run.",
            failure);
    }

    private async ValueTask<bool> TryReleaseAsync(BidLockKey key, string holderId)
    {
        try
        {
            await _inner.ReleaseAsync(key, holderId, CancellationToken.None).ConfigureAwait(false);
            return true;
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            // The wrapped store sends it again when no server answered.
            RedisLog.UnreplicatedReleaseFailed(_logger, key.Value, exception);
            return false;
        }
    }
}
