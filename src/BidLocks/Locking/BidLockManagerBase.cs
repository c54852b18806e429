using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BidLocks;

/// <summary>
/// What every backend shares: input checks before any I/O, fair waiting woken by releases, lease renewal, re-entry,
/// metrics, logs and traces. A backend supplies only its atomic steps (acquire, extend, release).
/// </summary>
/// <remarks>
/// <para>Public only because the three public managers derive from it and C# wants a public base for a public class; its
/// constructor is <c>private protected</c>, so nobody outside the library can derive from it, and its public members are
/// <see cref="IBidLockManager"/>'s plus <see cref="BackendChoice"/> and <see cref="Dispose"/>. Making the managers
/// forward every member to an internal engine instead would write the same 16 members three times for no caller's
/// gain. Code should hold an <see cref="IBidLockManager"/>, not this type.</para>
/// <para>The async methods on the acquire/release path use pooled state machines
/// (<see cref="PoolingAsyncValueTaskMethodBuilder{TResult}"/>): without them every lock taken allocated about 2 KB of
/// boxes, more than the Redis client itself. Their value tasks, like every value task, may be awaited only once.</para>
/// </remarks>
public abstract partial class BidLockManagerBase : IBidLockManager, ILeaseHost, IDisposable
{
    /// <summary>The activity source (<see cref="BidLockTelemetry.ActivitySourceName"/>) that traces each wait for a lock.</summary>
    internal static readonly ActivitySource ActivitySource = new(BidLockTelemetry.ActivitySourceName);

    private static readonly TimeSpan LastBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MinimumTtl = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan LongestWait = TimeSpan.FromMilliseconds(int.MaxValue);

    private readonly ILockStore _store;
    private readonly LocalWaitQueues _queues = new();
    private readonly PendingAbandons _abandons = new();
    private readonly RenewalScheduler _renewals;
    private readonly BidLockKeyCache _keys;
    private readonly LockMetrics _metrics;
    private readonly ILogger _logger;
    private readonly OutageLog _outage;
    private readonly string _keyPrefix;
    private readonly string _instanceId;
    private readonly TimeSpan _defaultTimeout;
    private readonly TimeSpan _defaultTtl;
    private readonly TimeSpan _maxHold;
    private readonly TimeProvider _time;
    private int _disposed;

    // Acquires between their start and the registration of their grant, and what DisposeAsync waits on for the last
    // of them: a grant that comes back during the disposal is given back by its acquire, through a store still open.
    private int _inFlight;
    private TaskCompletionSource? _drained;

    private protected BidLockManagerBase(ILockStore store, BidLockOptions options)
    {
        options.Validate();
        _store = store;
        _metrics = new LockMetrics(store.Backend, () => _renewals!.Held(), options.TimeProvider);
        _logger = options.LoggerFactory?.CreateLogger(BidLockTelemetry.LoggerCategory) ?? NullLogger.Instance;
        _outage = new OutageLog(_logger, store.Backend, options.FailureLogInterval);
        _keyPrefix = options.KeyPrefix;
        _keys = new BidLockKeyCache(options.KeyPrefix);
        _instanceId = options.InstanceId ?? HolderIds.DefaultInstanceId;
        _defaultTimeout = options.DefaultTimeout;
        _defaultTtl = options.DefaultTtl;
        _maxHold = options.MaxHold;
        _time = options.TimeProvider;
        _renewals = new RenewalScheduler(_time);
        store.OnGenerationEnded(reason =>
        {
            foreach (var lease in _renewals.Held())
            {
                lease.Lose(reason);
            }
        });
        store.OnRemoteRelease(key =>
        {
            if (key is null)
            {
                _queues.NotifyAll();
            }
            else
            {
                _queues.NotifyReleased(key);
            }
        });
        store.OnHoldsInDoubt(OnHoldsInDoubt);
    }

    /// <inheritdoc />
    public string Backend => _store.Backend;

    /// <summary>The logger this manager writes to.</summary>
    private protected ILogger Logger => _logger;

    TimeProvider ILeaseHost.Time => _time;

    RenewalScheduler ILeaseHost.Renewals => _renewals;

    /// <summary>The backend's steps (for tests that wrap them to inject a fault).</summary>
    internal ILockStore Store => _store;

    /// <inheritdoc />
    public ValueTask<BidLockLease> AcquireAsync(string marketplaceId, string postingId, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
        => AcquireAsync(marketplaceId, postingId, new BidLockAcquireOptions(timeout), cancellationToken);

    /// <inheritdoc />
    public ValueTask<BidLockLease> AcquireAsync(string marketplaceId, string postingId, BidLockAcquireOptions options, CancellationToken cancellationToken = default)
        => AcquireLeaseAsync(marketplaceId, postingId, options, throwOnTimeout: true, cancellationToken)!;

    /// <inheritdoc />
    public ValueTask<BidLockLease?> TryAcquireAsync(string marketplaceId, string postingId, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
        => AcquireLeaseAsync(marketplaceId, postingId, new BidLockAcquireOptions(timeout), throwOnTimeout: false, cancellationToken);

    /// <inheritdoc />
    public ValueTask<bool> AcquireLockAsync(string marketplaceId, string postingId, string holderId, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var key = CreateKey(marketplaceId, postingId);
        IdValidation.RequireHolder(holderId, nameof(holderId), BidLockDefaults.MaxHolderIdLength);
        var wait = ResolveTimeout(timeout, nameof(timeout));
        return AcquireNamedAsync(key, holderId, wait, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<bool> ReleaseLockAsync(string marketplaceId, string postingId, string holderId, CancellationToken cancellationToken = default)
    {
        var key = CreateKey(marketplaceId, postingId);
        IdValidation.RequireHolder(holderId, nameof(holderId), BidLockDefaults.MaxHolderIdLength);
        return ReleaseNamedAsync(key, holderId, cancellationToken);
    }

    /// <inheritdoc />
    public BidLockMetrics GetMetrics() => _metrics.Snapshot();

    /// <inheritdoc />
    public async ValueTask<BidLockHealth> CheckHealthAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        try
        {
            return DescribeHealth(await _store.CheckHealthAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            _metrics.BackendError();
            return new BidLockHealth(BidLockHealthStatus.Unhealthy, Backend, $"The {Backend} backend did not answer: {exception.Message}");
        }
    }

    /// <summary>Lets a backend add to its store's health what only the manager knows (a fallback at start).</summary>
    private protected virtual BidLockHealth DescribeHealth(BidLockHealth health) => health;

    /// <inheritdoc />
    public async ValueTask<int> CleanupExpiredAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        try
        {
            return await _store.CleanupExpiredAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (IsBackendFailure(exception, cancellationToken))
        {
            throw BackendFailure("cleanup", _keyPrefix, exception);
        }
    }

    /// <summary>
    /// Releases every lease this manager still holds, then closes the backend. Acquires still waiting stop with
    /// <see cref="ObjectDisposedException"/>; one whose grant arrives meanwhile gives it back first.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        var drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Exchange(ref _drained, drained);

        // Closed first: from here no lease can join the renewals, so the list released below is the last.
        var held = _renewals.Close();

        // Waiters look again at once, see the manager disposed and leave.
        _queues.NotifyAll();
        foreach (var lease in held)
        {
            try
            {
                await lease.ReleaseAsync().ConfigureAwait(false);
            }
            catch (BidLockUnavailableException exception)
            {
                Log.DisposeReleaseFailed(_logger, Backend, lease.Key.Value, exception);
            }
        }

        if (Volatile.Read(ref _inFlight) > 0)
        {
            await drained.Task.ConfigureAwait(false);
        }

        _renewals.Dispose();
        await _store.DisposeAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// As <see cref="DisposeAsync"/>, blocking until it is done: for a caller or a dependency-injection container that
    /// disposes synchronously (which would otherwise refuse a service that is only asynchronously disposable).
    /// </summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private ValueTask<BidLockLease?> AcquireLeaseAsync(string marketplaceId, string postingId, BidLockAcquireOptions options, bool throwOnTimeout, CancellationToken cancellationToken)
    {
        // Everything up to the first await runs in the caller's own context: input is checked before any I/O,
        // and the re-entry record is made where the caller's flow (and the body it runs next) can see it.
        var key = CreateKey(marketplaceId, postingId);
        var timeout = ResolveTimeout(options.Timeout, nameof(options.Timeout));
        var ttl = ResolveTtl(options.Ttl ?? _defaultTtl, nameof(options.Ttl));
        var maxHold = ResolveTtl(options.MaxHold ?? _maxHold, nameof(options.MaxHold));
        var skipFencingToken = options.SkipFencingToken;
        var inFlow = ReentrantFlow.Find(this, key.Value, ReentrantFlow.Top);
        if (inFlow is { IsPending: false, Lease: { } held })
        {
            return Reenter(held, skipFencingToken, cancellationToken)!;
        }

        var node = ReentrantFlow.Push(this, key.Value);
        return inFlow is null
            ? AcquireNewLeaseAsync(key, timeout, ttl, maxHold, skipFencingToken, node, throwOnTimeout, cancellationToken)
            : AcquireAfterOwnFlowAsync(inFlow, key, timeout, ttl, maxHold, skipFencingToken, node, throwOnTimeout, cancellationToken);
    }

    /// <summary>Counts a re-entry into <paramref name="held"/>, taking the fence now if it was skipped and is wanted.</summary>
    private ValueTask<BidLockLease?> Reenter(BidLockLease held, bool skipFencingToken, CancellationToken cancellationToken)
    {
        _metrics.Attempt();
        _metrics.Reentry();
        _metrics.Success(Stopwatch.GetTimestamp());
        return !skipFencingToken && held.Renewal is { FencingToken: 0 } unfenced
            ? ReenterWithFenceAsync(held, unfenced, cancellationToken)
            : new ValueTask<BidLockLease?>(held.Reenter());
    }

    /// <summary>
    /// This flow started an acquire of the same lock that has not ended yet (<c>Task.WhenAll</c> over two acquires):
    /// waiting for the lock would wait for the flow itself. Waits for that acquire instead, then re-enters its lease,
    /// or, when it failed, tries on its own with what is left of the timeout.
    /// </summary>
    private async ValueTask<BidLockLease?> AcquireAfterOwnFlowAsync(ReentrantFlow.Node pending, BidLockKey key, TimeSpan timeout, TimeSpan ttl, TimeSpan maxHold, bool skipFencingToken, ReentrantFlow.Node node, bool throwOnTimeout, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            await pending.WhenCompleted().WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            node.Complete(null);
            if (exception is not TimeoutException)
            {
                throw;
            }

            _metrics.Attempt();
            _metrics.Timeout();
            return throwOnTimeout ? throw new BidLockTimeoutException(key.MarketplaceId, key.PostingId, timeout) : null;
        }

        if (pending.Lease is { IsHeld: true } held)
        {
            BidLockLease? lease = null;
            try
            {
                lease = await Reenter(held, skipFencingToken, cancellationToken).ConfigureAwait(false);
                return lease;
            }
            finally
            {
                node.Complete(lease);
            }
        }

        var remaining = timeout - Stopwatch.GetElapsedTime(start);
        return await AcquireNewLeaseAsync(key, remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, ttl, maxHold, skipFencingToken, node, throwOnTimeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Re-entry into a hold whose acquire skipped the fence (a [BidLock] body without the lease calling one with it):
    /// the token is taken now, while the lock is verified as still held, so it still comes after every earlier
    /// holder's and before every later one's.
    /// </summary>
    private async ValueTask<BidLockLease?> ReenterWithFenceAsync(BidLockLease held, LeaseRenewal renewal, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        long? fence;
        try
        {
            fence = await _store.TakeFenceAsync(renewal.Key, renewal.HolderId).ConfigureAwait(false);
        }
        catch (Exception exception) when (IsBackendFailure(exception, cancellationToken))
        {
            throw BackendFailure("fence", renewal.Key.Value, exception);
        }

        if (fence is null)
        {
            throw new BidLockUnavailableException(Backend, $"The {Backend} lock on '{renewal.Key.Value}' was lost before the re-entrant acquire could take its fencing token.");
        }

        renewal.SetFencingToken(fence.Value);
        return held.Reenter();
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<BidLockLease?> AcquireNewLeaseAsync(BidLockKey key, TimeSpan timeout, TimeSpan ttl, TimeSpan maxHold, bool skipFencingToken, ReentrantFlow.Node node, bool throwOnTimeout, CancellationToken cancellationToken)
    {
        BidLockLease? lease = null;
        try
        {
            lease = await TakeLeaseAsync(key, HolderIds.New(_instanceId), ttl, maxHold, skipFencingToken, timeout, cancellationToken).ConfigureAwait(false);
            return lease ?? (throwOnTimeout ? throw new BidLockTimeoutException(key.MarketplaceId, key.PostingId, timeout) : null);
        }
        finally
        {
            // However the acquire ended, the flow's record of it ends too: a later acquire in the flow re-enters the
            // lease, or tries afresh after a failure.
            node.Complete(lease);
        }
    }

    /// <summary>
    /// Waits for the lock under <paramref name="holderId"/> and starts renewing it; null on timeout. A grant that comes
    /// back once the manager is being disposed is given back, and the caller learns the manager is gone.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<BidLockLease?> TakeLeaseAsync(BidLockKey key, string holderId, TimeSpan ttl, TimeSpan maxHold, bool skipFencingToken, TimeSpan timeout, CancellationToken cancellationToken)
    {
        BeginCall();
        try
        {
            // The first hold never outlives the cap either.
            var firstTtl = ttl < maxHold ? ttl : maxHold;
            var attempt = await WaitForLockAsync(key, holderId, attemptId: null, firstTtl, skipFencingToken, timeout, cancellationToken).ConfigureAwait(false);
            if (!attempt.Acquired)
            {
                return null;
            }

            var renewal = new LeaseRenewal(this, key, holderId, attempt.FencingToken, attempt.Expiry, ttl, maxHold) { GrantedAfterWait = attempt.Waited };
            if (!renewal.Start())
            {
                await GiveBackAfterDisposalAsync(key, holderId).ConfigureAwait(false);
            }

            return new BidLockLease(renewal);
        }
        finally
        {
            EndCall();
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> AcquireNamedAsync(BidLockKey key, string holderId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // The manual form is never renewed: it is held until released or for the hold cap, as in the original manager.
        // Nobody can read a fence through it, so none is taken. The holder may ask many times, so each call is an
        // attempt with an identity of its own (random: two managers may name the same holder): what a failed attempt
        // left behind is then told apart from the holds the holder had before it or gets after it.
        BeginCall();
        try
        {
            // A grant that arrives while the manager is being disposed stands: a holder-named lock is not this
            // manager's to renew or give back (any manager releases it by name), and giving it back could drop the hold
            // the holder had before asking again. Counting the call as in flight keeps the store open until it ends.
            var attempt = await WaitForLockAsync(key, holderId, Guid.NewGuid().ToString("N"), _maxHold, skipFencingToken: true, timeout, cancellationToken).ConfigureAwait(false);
            return attempt.Acquired;
        }
        finally
        {
            EndCall();
        }
    }

    /// <summary>A holder-named release, sent only once an abandon of the holder's failed acquire on the key has finished.</summary>
    private async ValueTask<bool> ReleaseNamedAsync(BidLockKey key, string holderId, CancellationToken cancellationToken)
    {
        await _abandons.SettleAsync(key.Value, holderId, LongestWait, _time, cancellationToken).ConfigureAwait(false);
        return await ReleaseAsync(key, holderId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Gives back a grant that arrived while the manager was being disposed, then says the manager is gone.</summary>
    private async ValueTask GiveBackAfterDisposalAsync(BidLockKey key, string holderId)
    {
        try
        {
            await _store.ReleaseAsync(key, holderId, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception) when (IsBackendFailure(exception, CancellationToken.None))
        {
            Log.DisposeReleaseFailed(_logger, Backend, key.Value, exception);
        }

        throw new ObjectDisposedException(GetType().FullName, $"The lock manager was disposed while the lock on '{key.Value}' was being granted; the grant was given back.");
    }

    // An acquire counts as in flight from before its first try until its grant is registered (or given back).
    private void BeginCall()
    {
        Interlocked.Increment(ref _inFlight);
        if (Volatile.Read(ref _disposed) != 0)
        {
            EndCall();
            ThrowIfDisposed();
        }
    }

    private void EndCall()
    {
        if (Interlocked.Decrement(ref _inFlight) == 0 && Volatile.Read(ref _disposed) != 0)
        {
            Volatile.Read(ref _drained)?.TrySetResult();
        }
    }

    /// <summary>
    /// Waits its turn among this process's waiters for the key, then tries the backend until it gets the lock or
    /// the timeout passes, waking at once on a release and otherwise backing off from the store's first retry delay
    /// (50 ms unless the store asks for less) to 1 s with jitter. <paramref name="attemptId"/> names this attempt of a
    /// holder-named lock (null for a lease: its holder id names its one attempt); such an attempt first waits, within
    /// its timeout, for the abandon of the holder's last failed attempt on the key.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<AcquireAttempt> WaitForLockAsync(BidLockKey key, string holderId, string? attemptId, TimeSpan ttl, bool skipFencingToken, TimeSpan timeout, CancellationToken cancellationToken)
    {
        _metrics.Attempt();
        var start = Stopwatch.GetTimestamp();
        using var activity = ActivitySource.StartActivity("bidlock.acquire");
        activity?.SetTag("bidlock.backend", Backend);
        activity?.SetTag("bidlock.key", key.Value);

        var turn = await _queues.EnterAsync(key.Value, timeout, cancellationToken).ConfigureAwait(false);
        var backoff = _store.FirstRetryDelay;
        var conflicted = false;

        // True from the first try until the lock is had: a try may have left a place in the backend's own queue
        // even when it then threw (cancelled, or failed after queuing), and a place left behind stalls the posting.
        var mayHoldPlace = false;
        try
        {
            // In the turn, so that a call of the same holder behind this one also waits for an abandon this one starts.
            var settled = attemptId is null || turn is null
                || await _abandons.SettleAsync(key.Value, holderId, timeout - Stopwatch.GetElapsedTime(start), _time, cancellationToken).ConfigureAwait(false);
            while (turn is not null && settled)
            {
                // A manager being disposed takes no new grants: its waiters leave (giving up their places).
                ThrowIfDisposed();

                // Read before the try, so a release between the try and the wait still wakes this waiter.
                var seen = turn.Released.Generation;
                mayHoldPlace = true;
                var attempt = await TryAcquireOnceAsync(key, holderId, attemptId, ttl, skipFencingToken, retry: conflicted, cancellationToken).ConfigureAwait(false);
                if (attempt.Acquired && Volatile.Read(ref _verification) is not null)
                {
                    // The backend's holds are in doubt: an older lease here on this key may not know yet that it lost it.
                    await AwaitSettledAsync(key, holderId, cancellationToken).ConfigureAwait(false);
                }

                if (attempt.Acquired && attempt.Expiry.Remaining(_time) > TimeSpan.Zero)
                {
                    mayHoldPlace = false;
                    _metrics.Success(start);
                    if (attempt.FencingToken > 0)
                    {
                        activity?.SetTag("bidlock.fencing_token", attempt.FencingToken);
                    }

                    return conflicted ? attempt.AfterWaiting() : attempt;
                }

                if (attempt.Acquired)
                {
                    // The step took longer than the TTL (a backend that stalled): the hold it granted has already run
                    // out and another holder may have the lock. Give it back and try again.
                    Log.AcquiredExpired(_logger, Backend, key.Value);
                    await _store.AbandonAsync(key, holderId, attemptId).ConfigureAwait(false);
                    attempt = AcquireAttempt.Busy(TimeSpan.Zero);
                }

                if (!conflicted)
                {
                    conflicted = true;
                    _metrics.Conflict();
                }

                var remaining = timeout - Stopwatch.GetElapsedTime(start);
                if (remaining <= TimeSpan.Zero)
                {
                    break;
                }

                var wait = Min(remaining, Jitter(backoff));
                if (attempt.RetryAfter is { } untilExpiry && untilExpiry < wait)
                {
                    wait = untilExpiry > TimeSpan.Zero ? untilExpiry : TimeSpan.FromMilliseconds(1);
                }

                await WaitForReleaseAsync(turn.Released.WaitAsync(seen), wait, cancellationToken).ConfigureAwait(false);
                backoff = Min(backoff + backoff, LastBackoff);
            }
        }
        catch (BidLockUnavailableException) when (mayHoldPlace)
        {
            mayHoldPlace = false;
            AbandonInBackground(key, holderId, attemptId);
            throw;
        }
        finally
        {
            if (turn is not null)
            {
                _queues.Exit(turn);
            }

            // Leaving without the lock (timeout, cancellation): give up any place in the backend's own queue so the
            // next waiter does not wait for it to expire.
            if (mayHoldPlace)
            {
                await _store.AbandonAsync(key, holderId, attemptId).ConfigureAwait(false);
            }
        }

        _metrics.Timeout();
        activity?.SetStatus(ActivityStatusCode.Error, "timeout");
        Log.AcquireTimedOut(_logger, Backend, key.Value, timeout);
        return AcquireAttempt.Busy(null);
    }

    /// <summary>
    /// After a backend failure: leaves the backend's queue without making the caller wait on the backend a second time
    /// before learning why. On the thread pool, since a store's steps may block. A method of its own so that the
    /// closure is made only on this path, not on every acquire. A holder-named attempt's abandon is kept track of
    /// (<see cref="PendingAbandons"/>): the holder's next acquire or release on the key waits for it.
    /// </summary>
    private void AbandonInBackground(BidLockKey key, string holderId, string? attemptId)
    {
        if (attemptId is null)
        {
            _ = Task.Run(() => _store.AbandonAsync(key, holderId, attemptId: null).AsTask());
        }
        else
        {
            _abandons.Start(key.Value, holderId, () => _store.AbandonAsync(key, holderId, attemptId));
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<AcquireAttempt> TryAcquireOnceAsync(BidLockKey key, string holderId, string? attemptId, TimeSpan ttl, bool skipFencingToken, bool retry, CancellationToken cancellationToken)
    {
        AcquireAttempt attempt;
        try
        {
            attempt = retry
                ? await _store.RetryAcquireAsync(key, holderId, attemptId, ttl, skipFencingToken, cancellationToken).ConfigureAwait(false)
                : await _store.TryAcquireAsync(key, holderId, attemptId, ttl, skipFencingToken, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (IsBackendFailure(exception, cancellationToken))
        {
            throw BackendFailure("acquire", key.Value, exception);
        }

        NoteAnswered();
        return attempt;
    }

    private async Task WaitForReleaseAsync(Task nextRelease, TimeSpan wait, CancellationToken cancellationToken)
    {
        try
        {
            await nextRelease.WaitAsync(wait, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // No release seen: try again anyway, in case the notification was missed or the hold expired.
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> ReleaseAsync(BidLockKey key, string holderId, CancellationToken cancellationToken)
    {
        bool released;
        try
        {
            released = await _store.ReleaseAsync(key, holderId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (IsBackendFailure(exception, cancellationToken))
        {
            throw BackendFailure("release", key.Value, exception);
        }

        NoteAnswered();
        if (released)
        {
            _metrics.Release();
        }

        _queues.NotifyReleased(key.Value);
        return released;
    }

    async ValueTask<LeaseExpiry?> ILeaseHost.ExtendAsync(LeaseRenewal lease, TimeSpan ttl)
    {
        // Read before the renewal is sent: only an answer to a renewal sent after the doubt arose settles it.
        var verification = Volatile.Read(ref _verification);
        try
        {
            var expiry = await _store.ExtendAsync(lease.Key, lease.HolderId, ttl, CancellationToken.None).ConfigureAwait(false);
            NoteAnswered();
            if (expiry is not null)
            {
                _metrics.Extension();
                SettleInDoubt(verification, lease);
            }

            return expiry;
        }
        catch (Exception exception) when (IsBackendFailure(exception, CancellationToken.None))
        {
            throw BackendFailure("extend", lease.Key.Value, exception);
        }
    }

    ValueTask<bool> ILeaseHost.ReleaseAsync(LeaseRenewal lease)
    {
        _metrics.HoldEnded(lease);
        SettleInDoubt(Volatile.Read(ref _verification), lease);
        return ReleaseAsync(lease.Key, lease.HolderId, CancellationToken.None);
    }

    void ILeaseHost.OnLost(LeaseRenewal lease, string reason)
    {
        _metrics.LeaseLost();
        SettleInDoubt(Volatile.Read(ref _verification), lease);
        LogLoss(lease, reason);
    }

    private BidLockKey CreateKey(string marketplaceId, string postingId)
    {
        ThrowIfDisposed();
        return _keys.Get(marketplaceId, postingId);
    }

    private TimeSpan ResolveTimeout(TimeSpan? timeout, string name)
    {
        var value = timeout ?? _defaultTimeout;
        if (value == Timeout.InfiniteTimeSpan)
        {
            return LongestWait;
        }

        if (value < TimeSpan.Zero || value > LongestWait)
        {
            throw new ArgumentOutOfRangeException(name, value, "The timeout must be zero or more (or Timeout.InfiniteTimeSpan).");
        }

        return value;
    }

    private static TimeSpan ResolveTtl(TimeSpan value, string name)
    {
        if (value < MinimumTtl || value > TimeSpan.FromDays(1))
        {
            throw new ArgumentOutOfRangeException(name, value, "Lease times must be between 10 ms and one day.");
        }

        return value;
    }

    private bool IsBackendFailure(Exception exception, CancellationToken cancellationToken)
        => !(exception is OperationCanceledException && cancellationToken.IsCancellationRequested) && exception is not ObjectDisposedException;

    private BidLockUnavailableException BackendFailure(string operation, string key, Exception exception)
    {
        _metrics.BackendError();
        _outage.Failed(operation, key, exception);
        return exception as BidLockUnavailableException
            ?? new BidLockUnavailableException(Backend, $"The {Backend} lock backend failed during {operation} of '{key}': {exception.Message}{(_store.Explain(exception) is { } advice ? " " + advice : string.Empty)}", exception);
    }

    // The backend answered a call: a one-field read unless an outage is open, which this answer ends.
    private void NoteAnswered()
    {
        if (_outage.IsOpen)
        {
            _outage.Recovered();
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    private static TimeSpan Jitter(TimeSpan backoff) => TimeSpan.FromTicks((long)(backoff.Ticks * (0.5 + (Random.Shared.NextDouble() / 2))));

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
