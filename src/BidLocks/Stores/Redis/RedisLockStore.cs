using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace BidLocks;

/// <summary>
/// The Redis steps of the lock (see <see cref="RedisScripts"/>): a cheap first try, a queue-aware retry that keeps
/// waiters of all processes in arrival order, compare-and-delete release with hand-over, compare-and-PEXPIRE
/// extension. Every failure of the client surfaces as an exception, which the manager turns into
/// <see cref="BidLockUnavailableException"/>.
/// </summary>
internal sealed partial class RedisLockStore : ILockStore
{
    public const string BackendName = "redis";

    /// <summary>
    /// How long a queued waiter keeps its place without trying again. Waiters retry at least every second (the
    /// longest backoff), so a live one never loses it; a crashed one holds up the queue for at most this long.
    /// </summary>
    internal static readonly TimeSpan WaiterTtl = TimeSpan.FromSeconds(3);

    private static readonly RedisScript AcquireFast = new(RedisScripts.AcquireFast);
    private static readonly RedisScript AcquireQueued = new(RedisScripts.AcquireQueued);
    private static readonly RedisScript ReleaseFast = new(RedisScripts.ReleaseFast);
    private static readonly RedisScript ReleaseQueued = new(RedisScripts.ReleaseQueued);
    private static readonly RedisScript Abandon = new(RedisScripts.Abandon);
    private static readonly RedisScript Extend = new(RedisScripts.Extend);
    private static readonly RedisScript Fence = new(RedisScripts.Fence);
    private static readonly RedisValue WaiterTtlMilliseconds = Milliseconds(WaiterTtl);

    private readonly IConnectionMultiplexer _connection;
    // Not readonly: with Sentinel it moves to the named primary's connection at a fail-over (RedisLockStore.Sentinel).
    private IDatabase _database;
    private readonly RedisReleaseChannel _channel;
    private readonly RedisHoldWatch _holdWatch;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly bool _ownsConnection;
    private readonly string _keyPrefix;

    // How long a fence key outlives its last use (BidLockOptions.FenceRetention), in ms: the scripts' ARGV.
    private readonly RedisValue _fenceRetention;
    private readonly bool _fenceRetentionIsDefault;
    private readonly RedisKeyArrayCache _lockFenceKeys = new(RedisKeyNames.LockFence);
    private readonly RedisPrimaryMove _move = new();
    private readonly RedisReleaseRetry _releaseRetry;
    private readonly RedisContendedHolds _contended = new();

    // The longest TTL this store has set (floored by MaxHold, the TTL of a holder-named lock, which another process
    // may have granted): a release owed now is owed for at most this long, since every hold it could free was granted
    // or renewed before now.
    private long _longestTtlTicks;

    public RedisLockStore(IConnectionMultiplexer connection, BidLockOptions options, bool ownsConnection, int database = -1)
    {
        _connection = connection ?? throw new ArgumentNullException(nameof(connection));
        ArgumentNullException.ThrowIfNull(options);
        _database = connection.GetDatabase(database);
        _channel = new RedisReleaseChannel(connection, options.KeyPrefix);
        _holdWatch = new RedisHoldWatch(connection);
        _time = options.TimeProvider;
        _logger = options.LoggerFactory?.CreateLogger(BidLockTelemetry.LoggerCategory) ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        _ownsConnection = ownsConnection;
        _keyPrefix = options.KeyPrefix;
        _fenceRetention = Milliseconds(options.FenceRetention);
        _fenceRetentionIsDefault = options.FenceRetention == BidLockOptions.DefaultFenceRetention;
        _releaseRetry = new RedisReleaseRetry(ResendReleaseAsync, _time, _logger);
        _longestTtlTicks = Math.Max(options.MaxHold.Ticks, options.DefaultTtl.Ticks);
    }

    public string Backend => BackendName;

    public IConnectionMultiplexer Connection => _connection;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<AcquireAttempt> TryAcquireAsync(BidLockKey key, string holderId, string? attemptId, TimeSpan ttl, bool skipFencingToken, CancellationToken cancellationToken)
    {
        if (attemptId is not null)
        {
            // A holder-named lock: its grant must record the attempt that got it, which the plain SET NX cannot.
            return await RetryAcquireAsync(key, holderId, attemptId, ttl, skipFencingToken, cancellationToken).ConfigureAwait(false);
        }

        // A lease's holder id is new, so no release of it can be owed here (a holder-named attempt settles in
        // QueuedAttemptAsync): the first try, which runs for every lock, skips the look at the owed releases.
        cancellationToken.ThrowIfCancellationRequested();
        var version = GrantableVersion(key, ttl);
        // Expiry is counted from before the request: the server's own clock can only start later.
        var started = LeaseClock.Read(_time);
        long code;
        if (skipFencingToken)
        {
            // The plain SET NX a hand-written Redis lock sends: the key exists whenever the lock is held or anyone is
            // queued (see RedisScripts), so it succeeds only when nobody waits.
            var taken = await _database.StringSetAsync(key.Value, holderId, ttl, When.NotExists).ConfigureAwait(false);
            code = taken ? 0 : RedisLockProtocol.TakeSlowPath;
        }
        else
        {
            var keys = _lockFenceKeys.For(key);
            // The script keeps the fence a week when no retention is passed: the default costs the hot path no ARGV.
            var values = _fenceRetentionIsDefault ? RedisCallArrays.HolderTtl(holderId, Milliseconds(ttl)) : [holderId, Milliseconds(ttl), _fenceRetention];
            try
            {
                // The script helper's own layer is inlined here and in ReleaseAsync: these two run for every lock.
                code = (long)await AcquireFast.SendAsync(_database, keys, values).ConfigureAwait(false);
            }
            catch (RedisServerException exception) when (RedisScript.IsUnknown(exception))
            {
                code = await AcquireFast.ResendAsync(_database, keys, values).ConfigureAwait(false);
            }

            RedisCallArrays.Answered(values);
        }

        return code >= 0
            ? Granted(key, holderId, version, code, started.Plus(ttl))
            : await RetryAcquireAsync(key, holderId, attemptId: null, ttl, skipFencingToken, cancellationToken).ConfigureAwait(false);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<AcquireAttempt> RetryAcquireAsync(BidLockKey key, string holderId, string? attemptId, TimeSpan ttl, bool skipFencingToken, CancellationToken cancellationToken)
    {
        var attempt = await QueuedAttemptAsync(key, holderId, attemptId, ttl, skipFencingToken, cancellationToken).ConfigureAwait(false);
        if (attempt.Acquired || _channel.IsSubscribed)
        {
            return attempt;
        }

        try
        {
            await _channel.EnsureSubscribedAsync().ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            // Waiters still get the lock through their backoff; the next wait subscribes again.
            RedisLog.SubscribeFailed(_logger, _channel.Name, exception);
            return attempt;
        }

        // A release between the try and the subscription was not heard: look once more.
        return await QueuedAttemptAsync(key, holderId, attemptId, ttl, skipFencingToken, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<long?> TakeFenceAsync(BidLockKey key, string holderId)
    {
        var fence = await Fence.EvaluateAsync(_database, _lockFenceKeys.For(key), [holderId, _fenceRetention]).ConfigureAwait(false);
        return fence > 0 ? fence : null;
    }

    public async ValueTask<LeaseExpiry?> ExtendAsync(BidLockKey key, string holderId, TimeSpan ttl, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        NoteTtl(ttl);
        var version = _move.Version;
        if (RedisPrimaryMove.IsMoving(version))
        {
            // The renewal must reach the primary the Sentinels named, not the one the client still writes to.
            await _move.WhenSettled.WaitAsync(cancellationToken).ConfigureAwait(false);
            version = _move.Version;
        }

        var started = LeaseClock.Read(_time);
        var result = await Extend.EvaluateAsync(_database, RedisKeyNames.LockSince(key.Value), [holderId, Milliseconds(ttl)]).ConfigureAwait(false);
        if (_move.Version != version)
        {
            // Answered, perhaps, by the old primary: it does not count; send it again once the move has ended.
            return await ExtendAsync(key, holderId, ttl, cancellationToken).ConfigureAwait(false);
        }

        return result == 1 || await ReassertOrphanAsync(key, holderId, ttl).ConfigureAwait(false) ? started.Plus(ttl) : null;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> ReleaseAsync(BidLockKey key, string holderId, CancellationToken cancellationToken)
    {
        var version = _move.Version;
        bool released;
        try
        {
            released = await ReleaseOnceAsync(key, holderId).ConfigureAwait(false);
        }
        catch (Exception exception) when (RedisReleaseRetry.IsRetryable(exception))
        {
            // The caller still hears of the failure; the release itself is owed to whichever primary comes next.
            _releaseRetry.Start(key, holderId, LongestTtl);
            throw;
        }

        if (_move.Version != version || RedisPrimaryMove.IsMoving(version))
        {
            // Answered, perhaps, by the old primary, which no longer counts: send it again to the named one.
            _releaseRetry.Start(key, holderId, LongestTtl);
        }
        else
        {
            _recentReleases?.Note(key, holderId);
        }

        return released;
    }

    /// <summary>One compare-and-delete, with hand-over to the first waiter; no retry.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    internal async ValueTask<bool> ReleaseOnceAsync(BidLockKey key, string holderId)
    {
        if (_contended.Forget(key.Value, holderId))
        {
            // Granted after a wait: others most likely wait now too. Hand over at once, one round trip.
            return await HandOverAsync(key, holderId).ConfigureAwait(false) == 1;
        }

        var keys = RedisCallArrays.LockKey(key.Value);
        var values = RedisCallArrays.Holder(holderId);
        long result;
        try
        {
            result = (long)await ReleaseFast.SendAsync(_database, keys, values).ConfigureAwait(false);
        }
        catch (RedisServerException exception) when (RedisScript.IsUnknown(exception))
        {
            result = await ReleaseFast.ResendAsync(_database, keys, values).ConfigureAwait(false);
        }

        RedisCallArrays.Answered(keys);
        RedisCallArrays.Answered(values);

        if (result != RedisLockProtocol.TakeSlowPath)
        {
            return result == 1;
        }

        // Waiters are queued: hand the lock to the first of them and tell them.
        return await HandOverAsync(key, holderId).ConfigureAwait(false) == 1;
    }

    /// <summary>Releases a hold, handing the lock to the first live waiter (and telling the waiters) when any is queued.</summary>
    private ValueTask<long> HandOverAsync(BidLockKey key, string holderId) => ReleaseQueued.EvaluateAsync(
        _database,
        RedisKeyNames.LockQueue(key.Value),
        [holderId, _channel.Name, _channel.MessageFor(key.Value), WaiterTtlMilliseconds]);

    public async ValueTask AbandonAsync(BidLockKey key, string holderId, string? attemptId)
    {
        try
        {
            await (attemptId is null
                ? Abandon.EvaluateAsync(_database, RedisKeyNames.LockQueue(key.Value), [holderId, _channel.Name, _channel.MessageFor(key.Value), WaiterTtlMilliseconds])
                : Abandon.EvaluateAsync(_database, RedisKeyNames.LockQueueSince(key.Value), [holderId, _channel.Name, _channel.MessageFor(key.Value), WaiterTtlMilliseconds, attemptId])).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Best effort, and called from the waiter's finally block: throwing would hide why the wait ended.
            // Its place expires by itself after WaiterTtl.
            RedisLog.AbandonFailed(_logger, key.Value, exception);
        }
    }

    // Redis expires locks by their TTL itself; there is never anything left to remove.
    public ValueTask<int> CleanupExpiredAsync(CancellationToken cancellationToken) => ValueTask.FromResult(0);

    public string? Explain(Exception exception) => RedisAcl.Explain(exception, _keyPrefix);

    public void OnRemoteRelease(Action<string?> releasedKey) => _channel.OnRelease(releasedKey);

    public void OnHoldsInDoubt(Action<HoldsInDoubt> inDoubt) => _holdWatch.OnHoldsInDoubt(inDoubt);

    public async ValueTask DisposeAsync()
    {
        _sentinelFollower?.Dispose();
        _releaseRetry.Dispose();
        if (_namedPrimary is { } named)
        {
            await named.DisposeAsync().ConfigureAwait(false);
        }

        _holdWatch.Dispose();
        try
        {
            await _channel.UnsubscribeAsync().ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException or ObjectDisposedException)
        {
            // Closing anyway: the server drops the subscription with the connection.
        }

        if (_ownsConnection)
        {
            await _connection.CloseAsync().ConfigureAwait(false);
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<AcquireAttempt> QueuedAttemptAsync(BidLockKey key, string holderId, string? attemptId, TimeSpan ttl, bool skipFencingToken, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (attemptId is not null)
        {
            // A holder-named lock taken again while its last release is still being sent again: that release must not
            // delete this grant. (A lease's holder id is new, so nothing of its own can be owed.)
            await _releaseRetry.SettleAsync(key, holderId).ConfigureAwait(false);
        }

        var version = GrantableVersion(key, ttl);
        var started = LeaseClock.Read(_time);
        RedisValue[] values = attemptId is null
            ? [holderId, Milliseconds(ttl), WaiterTtlMilliseconds, skipFencingToken ? RedisLockProtocol.SkipFencingTokenRetention : _fenceRetention]
            : [holderId, Milliseconds(ttl), WaiterTtlMilliseconds, skipFencingToken ? RedisLockProtocol.SkipFencingTokenRetention : _fenceRetention, attemptId];
        var code = await AcquireQueued.EvaluateAsync(_database, RedisKeyNames.Queued(key.Value), values).ConfigureAwait(false);
        if (code < 0)
        {
            return AcquireAttempt.Busy(RedisLockProtocol.RetryAfter(code));
        }

        var granted = Granted(key, holderId, version, code, started.Plus(ttl));
        _contended.Note(key.Value, holderId);
        return granted;
    }

    // Whole milliseconds, at least one: PX 0 is an error.
    private static long Milliseconds(TimeSpan value) => Math.Max(1, (long)Math.Ceiling(value.TotalMilliseconds));
}
