using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BidLocks;

/// <summary>
/// The lock in one SQLite file shared by the processes of a host. Each acquire, extend and release is one short
/// <c>BEGIN IMMEDIATE</c> transaction of prepared, parameterised statements; waiters of all processes queue in the file
/// and are woken by the hint each release writes after its commit (<see cref="SqliteReleaseSignal"/>, watched by
/// <see cref="SqliteChangeWatcher"/>), with a short backoff behind it.
/// </summary>
/// <remarks>
/// <para>Time: every timestamp written or compared (expiry, queue deadlines) is the manager's
/// <see cref="TimeProvider"/> wall clock in Unix milliseconds; SQLite's own clock is never used. A step that writes an
/// expiry reads the clock inside its transaction, after <c>BEGIN IMMEDIATE</c> has the write lock: read before, a
/// wait for another writer would be taken out of the new hold, which could then be over before it was granted. The processes that
/// share a file share one host (WAL needs shared memory, so never a network file system) and so one system clock,
/// and taking it from the manager keeps the stored expiry and the lease's <c>ExpiresAt</c> the same number. A
/// monotonic clock would be wrong here: it restarts at boot while the file persists.</para>
/// <para>The operations run synchronously on the caller's thread: a step is microseconds of native calls, and an
/// asynchronous hop would cost more than the step. They block only while another writer holds the file, for at most
/// <see cref="BidLockOptions.SqliteBusyTimeout"/>.</para>
/// </remarks>
internal sealed partial class SqliteLockStore : ILockStore
{
    public const string BackendName = "sqlite";

    /// <summary>
    /// How long a queued waiter keeps its place without trying again. Waiters look again at least every 250 ms and
    /// renew their place once half of this has passed, so a live one keeps it; a crashed one holds up a free lock for
    /// at most this long.
    /// </summary>
    internal static readonly TimeSpan WaiterTtl = TimeSpan.FromSeconds(3);

    // A write transaction that waits this long for the write lock means another writer is slowing every lock step.
    private static readonly TimeSpan DegradedLatency = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The longest a waiter sleeps between looks: a missed change hint then costs at most this, not the engine's 1 s
    /// backoff. Without hints (the folder cannot be watched) nothing wakes a waiter early, so it polls far more often.
    /// A look at a lock that is still taken is one read that takes no write lock.
    /// </summary>
    private static readonly TimeSpan LongestSleepWithHints = TimeSpan.FromMilliseconds(250);

    private static readonly TimeSpan LongestSleepWithoutHints = TimeSpan.FromMilliseconds(10);
    private static readonly long FencePruneAgeMicroseconds = (long)TimeSpan.FromDays(7).TotalMicroseconds;

    // One writer per file at a time inside this process: threads queue on a monitor, which wakes them at once, rather
    // than on SQLite's file lock, whose busy handler sleeps in steps of milliseconds.
    private static readonly ConcurrentDictionary<string, object> WriteGates = new(StringComparer.Ordinal);

    private readonly string _path;
    private readonly SqliteReleaseSignal _releaseSignal;
    private readonly object _writeGate;
    private readonly TimeProvider _time;
    private readonly TimeSpan _busyTimeout;
    private readonly ILogger _logger;
    private readonly bool _watchChanges;
    private readonly object _watchGate = new();
    private Action<string?>? _onRemoteRelease;
    private Action<string>? _onGenerationEnded;

    // The sessions of the file the path named when they were opened; replaced by a new generation when the path no
    // longer names that file (see SqliteLockStore.Generations.cs).
    private SqliteSessionPool _pool;
    private IDisposable? _watch;
    private volatile bool _watchStarted;

    public SqliteLockStore(string path, BidLockOptions options, bool watchChanges = true)
    {
        _path = path;
        _pool = new SqliteSessionPool(path, options.SqliteBusyTimeout);
        _releaseSignal = new SqliteReleaseSignal(path);
        _writeGate = WriteGates.GetOrAdd(path, static _ => new object());
        _time = options.TimeProvider;
        _busyTimeout = options.SqliteBusyTimeout;
        _logger = options.LoggerFactory?.CreateLogger(BidLockTelemetry.LoggerCategory) ?? NullLogger.Instance;
        _watchChanges = watchChanges;
    }

    public string Backend => BackendName;

    /// <summary>
    /// Releases in other processes arrive only as a file-change hint, so the first retries come quickly: a missed hint
    /// costs milliseconds, and a retry that finds the lock still taken is a read that takes no write lock.
    /// </summary>
    public TimeSpan FirstRetryDelay => TimeSpan.FromMilliseconds(5);

    public string DatabasePath => _path;

    /// <summary>Opens the file and checks the schema now, rather than at the first lock.</summary>
    public void Open()
    {
        var session = Rent("open", out var pool);
        try
        {
            var version = (string)session.ScalarOnce("SELECT sqlite_version()")!;
            // Said once at start: without the check, a file deleted under running processes would go unnoticed.
            _ = SqliteFileCheck.HasMoved(session.Connection);
            if (SqliteFileCheck.Unavailable)
            {
                SqliteLog.FileCheckUnavailable(_logger);
            }

            if (SqliteTempFolder.Containing(DatabasePath) is { } temp)
            {
                SqliteLog.OpenedInTempFolder(_logger, DatabasePath, version, SqliteSchema.Version, temp);
            }
            else
            {
                SqliteLog.Opened(_logger, DatabasePath, version, SqliteSchema.Version);
            }
        }
        finally
        {
            pool.Return(session, reusable: true);
        }
    }

    public ValueTask<AcquireAttempt> TryAcquireAsync(BidLockKey key, string holderId, string? attemptId, TimeSpan ttl, bool skipFencingToken, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_retiredHolds is not null && RetiredHoldLeft(key.Value, holderId) is { } retiredLeft)
        {
            return new(Busy(key.Value, holderId, retiredLeft));
        }

        // The first try takes a free lock nobody waits for in one statement (besides the fence); anything else
        // rolls back and goes through the queue. A fence is always taken: here it is one statement of the same step.
        var outcome = Write("acquire", new AcquireRequest(key.Value, holderId, Milliseconds(ttl), _time), static (session, request) =>
        {
            var clock = LeaseClock.Read(request.Time);
            var now = UnixMilliseconds(clock.Wall);
            var expiresAt = now + request.TtlMs;
            var fence = session.NextFence(request.Key, UnixMicroseconds(clock.Wall));
            return session.TakeIfFree(request.Key, request.Holder, fence, expiresAt, now)
                ? (Fence: fence, Expiry: clock.Until(DateTimeOffset.FromUnixTimeMilliseconds(expiresAt)))
                : (Fence: 0L, Expiry: default(LeaseExpiry));
        }, commitWhen: static outcome => outcome.Fence > 0, grantedWhen: static outcome => outcome.Fence > 0);
        return new(outcome.Fence > 0 ? AcquireAttempt.Success(outcome.Fence, outcome.Expiry) : Acquire(key.Value, holderId, ttl));
    }

    public ValueTask<AcquireAttempt> RetryAcquireAsync(BidLockKey key, string holderId, string? attemptId, TimeSpan ttl, bool skipFencingToken, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_retiredHolds is not null && RetiredHoldLeft(key.Value, holderId) is { } retiredLeft)
        {
            return new(Busy(key.Value, holderId, retiredLeft));
        }

        // A waiter mostly finds the lock still taken: look first without the write lock, and write only when the lock
        // looks free or this waiter's place in the queue needs renewing.
        var now = UnixMilliseconds(_time.GetUtcNow());
        var busy = Read("acquire", (Key: key.Value, Holder: holderId, Now: now), static (session, state) => StillWaiting(session, state.Key, state.Holder, state.Now));
        return new(busy is { } retryAfter ? Busy(key.Value, holderId, retryAfter) : Acquire(key.Value, holderId, ttl));
    }

    /// <summary>
    /// Leaves the queue. No step grants a hold unheard here: one that fails is rolled back, so it granted nothing, and
    /// every other step's answer is known. A grant that came back too late to use has run out in the table as well
    /// (its expiry there is the one the caller judged by), so it holds nobody up. A lease's hold is still deleted
    /// (its holder id is its own, so any hold of it is this attempt's); a holder-named lock's hold is never touched,
    /// since it may be one the holder had before this attempt or got after it.
    /// </summary>
    public ValueTask AbandonAsync(BidLockKey key, string holderId, string? attemptId)
    {
        try
        {
            Write("leave the queue of", (Key: key.Value, Holder: holderId, Lease: attemptId is null, Time: _time), static (session, state) =>
            {
                if (state.Lease)
                {
                    session.DeleteHold(state.Key, state.Holder);
                }

                session.LeaveQueue(state.Key, state.Holder, UnixMilliseconds(state.Time.GetUtcNow()));
                return true;
            });
            // The waiter behind this one may now be first in the queue of a free lock.
            _releaseSignal.Signal();
        }
        catch (Exception exception)
        {
            // Best effort, and never thrown: the place lapses by itself after WaiterTtl.
            SqliteLog.AbandonFailed(_logger, key.Value, exception);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<LeaseExpiry?> ExtendAsync(BidLockKey key, string holderId, TimeSpan ttl, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var state = (Key: key.Value, Holder: holderId, TtlMs: Milliseconds(ttl), Time: _time);
        return new(Write("extend", state, static (session, state) =>
        {
            var clock = LeaseClock.Read(state.Time);
            var now = UnixMilliseconds(clock.Wall);
            var expiresAt = now + state.TtlMs;
            return session.ExtendHold(state.Key, state.Holder, expiresAt, now) ? clock.Until(DateTimeOffset.FromUnixTimeMilliseconds(expiresAt)) : (LeaseExpiry?)null;
        }, grantedWhen: static expiry => expiry is not null));
    }

    public ValueTask<bool> ReleaseAsync(BidLockKey key, string holderId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_retiredHolds is not null)
        {
            ForgetRetiredHold(key.Value, holderId);
        }

        // The holder's row goes even when it has expired (nobody else took it); only a live hold counts as released.
        var (wake, wasLive) = Write("release", (Key: key.Value, Holder: holderId, Time: _time), static (session, state) =>
        {
            // Only a queued waiter, or a set that only looks and watches the key, needs the hint: either writes its row
            // in the same transaction that finds the lock taken, so none can be between its look and its row.
            // Uncontended releases write no hint, and no process wakes for them.
            var now = UnixMilliseconds(state.Time.GetUtcNow());
            var released = session.Release(state.Key, state.Holder, now);
            return (released is { Waiters: true }, released?.ExpiresAt > now);
        });
        if (wake)
        {
            // After the commit, so that a waiter woken by it sees the lock free.
            _releaseSignal.Signal();
        }

        return new(wasLive);
    }

    public ValueTask<int> CleanupExpiredAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var now = _time.GetUtcNow();
        var state = (Now: UnixMilliseconds(now), StaleFence: UnixMicroseconds(now) - FencePruneAgeMicroseconds);
        var removed = Write("cleanup", state, static (session, state) =>
        {
            var holds = session.NonQueryOnce("DELETE FROM bidlock_holds WHERE expires_at <= $now", ("$now", state.Now));
            session.NonQueryOnce("DELETE FROM bidlock_waiters WHERE deadline <= $now", ("$now", state.Now));
            session.NonQueryOnce("DELETE FROM bidlock_watchers WHERE until <= $now", ("$now", state.Now));
            // A fence idle for a week can go: the clock floor alone keeps the next one higher.
            session.NonQueryOnce(
                "DELETE FROM bidlock_fences WHERE last < $stale AND key NOT IN (SELECT key FROM bidlock_holds)",
                ("$stale", state.StaleFence));
            return holds;
        });
        if (removed > 0)
        {
            _releaseSignal.Signal();
        }

        return new(removed);
    }

    public ValueTask<BidLockHealth> CheckHealthAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // Opening the file (and creating its tables, the first time) is not what the latency should measure.
        var opened = Rent("health check", out var pool);
        pool.Return(opened, reusable: true);
        var start = Stopwatch.GetTimestamp();
        var now = UnixMilliseconds(_time.GetUtcNow());
        // Taking the write lock and rolling back proves the file is writable and no other writer is stuck holding it.
        // Checked like a grant: a file deleted under this process makes the check fail and ends its generation.
        var (version, held) = Write("health check", now, static (session, now) =>
            ((string)session.ScalarOnce("SELECT sqlite_version()")!,
             (long)session.ScalarOnce("SELECT count(*) FROM bidlock_holds WHERE expires_at > $now", ("$now", now))!), grantedWhen: static _ => true);
        var latency = Stopwatch.GetElapsedTime(start);
        var watching = Volatile.Read(ref _watch) is not null ? "release hints from file changes" : "polling (file changes cannot be watched)";
        var description = $"SQLite {version} at {DatabasePath} (WAL, schema v{SqliteSchema.Version}, {watching}): {held} held lock(s); write transaction in {latency.TotalMilliseconds:F1} ms.";
        var status = latency > DegradedLatency ? BidLockHealthStatus.Degraded : BidLockHealthStatus.Healthy;
        return new(new BidLockHealth(status, Backend, description, latency, version));
    }

    public void OnRemoteRelease(Action<string?> releasedKey) => _onRemoteRelease = releasedKey;

    public void OnGenerationEnded(Action<string> loseEveryLease) => _onGenerationEnded = loseEveryLease;

    public ValueTask DisposeAsync()
    {
        lock (_watchGate)
        {
            _watchStarted = true;
            _watch?.Dispose();
            _watch = null;
        }

        Volatile.Read(ref _pool).Dispose();
        _releaseSignal.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// One write transaction: take the lock when it is free (or expired) and this holder is first in the queue, renew
    /// it when this holder already has it, otherwise join the queue and report busy.
    /// </summary>
    private AcquireAttempt Acquire(string key, string holderId, TimeSpan ttl)
    {
        var outcome = Write("acquire", new AcquireRequest(key, holderId, Milliseconds(ttl), _time), static (session, request) =>
        {
            var clock = LeaseClock.Read(request.Time);
            var state = new AcquireState(request.Key, request.Holder, UnixMilliseconds(clock.Wall), UnixMilliseconds(clock.Wall) + request.TtlMs, UnixMicroseconds(clock.Wall));
            var step = AcquireStep(session, state);
            return (Step: step, Expiry: clock.Until(DateTimeOffset.FromUnixTimeMilliseconds(step.ExpiresAt)));
        }, grantedWhen: static outcome => outcome.Step.Fence > 0);
        return outcome.Step.Fence > 0
            ? AcquireAttempt.Success(outcome.Step.Fence, outcome.Expiry)
            : Busy(key, holderId, outcome.Step.RetryAfterMs);
    }

    private static AcquireOutcome AcquireStep(SqliteSession session, AcquireState state)
    {
        var hold = session.SelectHold(state.Key);
        if (hold is not null && hold.ExpiresAt > state.Now)
        {
            if (hold.Holder == state.Holder)
            {
                // Already this holder's: a new TTL, the same fence.
                session.ExtendHold(state.Key, state.Holder, state.ExpiresAt, state.Now);
                session.LeaveQueue(state.Key, state.Holder, state.Now);
                return new AcquireOutcome(hold.Fence, state.ExpiresAt, 0);
            }

            session.JoinQueue(state.Key, state.Holder, state.Now + (long)WaiterTtl.TotalMilliseconds);
            return new AcquireOutcome(0, 0, hold.ExpiresAt - state.Now);
        }

        if (LiveHead(session, state.Key, state.Now) is { } head && head.Holder != state.Holder)
        {
            // Free, but another waiter arrived first: no barging.
            session.JoinQueue(state.Key, state.Holder, state.Now + (long)WaiterTtl.TotalMilliseconds);
            return new AcquireOutcome(0, 0, head.Deadline - state.Now);
        }

        var fence = session.NextFence(state.Key, state.FenceFloor);
        session.PutHold(state.Key, state.Holder, fence, state.ExpiresAt);
        session.LeaveQueue(state.Key, state.Holder, state.Now);
        return new AcquireOutcome(fence, state.ExpiresAt, 0);
    }

    /// <summary>
    /// Without writing: how long to wait when the lock is still another's (or another waiter is ahead) and this
    /// waiter's place is fresh; null when a write transaction is needed.
    /// </summary>
    private static long? StillWaiting(SqliteSession session, string key, string holder, long now)
    {
        if (session.SelectOwnDeadline(key, holder) is not { } deadline || deadline - now < (long)WaiterTtl.TotalMilliseconds / 2)
        {
            return null;
        }

        if (session.SelectHold(key) is { } hold && hold.ExpiresAt > now && hold.Holder != holder)
        {
            return hold.ExpiresAt - now;
        }

        // A head whose process is gone is dropped by the write that follows.
        return session.SelectHead(key, now) is { } head && head.Holder != holder && !IsGone(head.Process) ? head.Deadline - now : null;
    }

    /// <summary>
    /// The first waiter in line, once the places of processes that no longer exist are dropped: a waiter killed with
    /// SIGKILL never leaves its place, and nobody may take a free lock while a waiter is queued, so it would stall the
    /// lock until its place lapsed (<see cref="WaiterTtl"/>).
    /// </summary>
    private static (string Holder, long Deadline, string? Process)? LiveHead(SqliteSession session, string key, long now)
    {
        while (session.SelectHead(key, now) is { } head)
        {
            if (!IsGone(head.Process))
            {
                return head;
            }

            session.DropProcess(head.Process!);
        }

        return null;
    }

    private static bool IsGone(string? process) => process is not null && WaiterProcess.IsGone(process);

    private AcquireAttempt Busy(string key, string holderId, long retryAfterMs)
    {
        var longest = Volatile.Read(ref _watch) is null ? LongestSleepWithoutHints : LongestSleepWithHints;
        return AcquireAttempt.Busy(TimeSpan.FromMilliseconds(Math.Clamp(retryAfterMs, 0, (long)longest.TotalMilliseconds)));
    }

    /// <summary>
    /// One write transaction. <paramref name="grantedWhen"/> marks a result that grants or extends a hold: before it is
    /// committed and trusted, the path must still name the file the session has open (one stat, only then).
    /// </summary>
    private TResult Write<TState, TResult>(
        string operation, TState state, Func<SqliteSession, TState, TResult> step, Func<TResult, bool>? commitWhen = null, Func<TResult, bool>? grantedWhen = null)
    {
        var start = Stopwatch.GetTimestamp();
        var session = Rent(operation, out var pool);
        var reusable = false;
        var entered = false;
        try
        {
            Monitor.TryEnter(_writeGate, _busyTimeout, ref entered);
            if (!entered)
            {
                throw new TimeoutException($"other threads of this process waited on the database for longer than the busy timeout ({_busyTimeout.TotalSeconds:0.###} s)");
            }

            // The time spent at the gate counts against the busy timeout.
            session.SetBusyTimeout(_busyTimeout - Stopwatch.GetElapsedTime(start));
            session.Begin();
            var result = step(session, state);
            if (grantedWhen is not null && grantedWhen(result) && SqliteFileCheck.HasMoved(session.Connection))
            {
                // A grant from a file that no process started from now on will open: refused, and the generation ends.
                session.Rollback();
                throw EndGeneration(pool, operation);
            }

            if (commitWhen is null || commitWhen(result))
            {
                session.Commit();
            }
            else
            {
                // Nothing of a step that did not succeed is kept (a fence drawn for a lock that was not taken).
                session.Rollback();
            }

            reusable = true;
            return result;
        }
        catch (Exception exception) when (SqliteFailure.IsStoreFailure(exception) || exception is TimeoutException)
        {
            reusable = session.TryRollback();
            throw SqliteFailure.Wrap(DatabasePath, operation, exception, _busyTimeout);
        }
        finally
        {
            if (entered)
            {
                Monitor.Exit(_writeGate);
            }

            pool.Return(session, reusable);
        }
    }

    private TResult Read<TState, TResult>(string operation, TState state, Func<SqliteSession, TState, TResult> step)
    {
        var session = Rent(operation, out var pool);
        var reusable = false;
        try
        {
            var result = step(session, state);
            reusable = true;
            return result;
        }
        catch (Exception exception) when (SqliteFailure.IsStoreFailure(exception))
        {
            throw SqliteFailure.Wrap(DatabasePath, operation, exception, _busyTimeout);
        }
        finally
        {
            pool.Return(session, reusable);
        }
    }

    /// <summary>A session of the current generation, and the pool to give it back to.</summary>
    private SqliteSession Rent(string operation, out SqliteSessionPool pool)
    {
        SqliteSession session;
        while (true)
        {
            pool = Volatile.Read(ref _pool);
            try
            {
                session = pool.Rent();
                break;
            }
            catch (ObjectDisposedException) when (pool != Volatile.Read(ref _pool))
            {
                // That generation ended meanwhile: rent from the new one.
            }
            catch (SqliteFileReplacedException)
            {
                throw EndGeneration(pool, operation);
            }
            catch (Exception exception) when (SqliteFailure.IsStoreFailure(exception))
            {
                throw SqliteFailure.Wrap(DatabasePath, operation, exception, _busyTimeout);
            }
        }

        if (!_watchStarted)
        {
            StartWatching();
        }

        return session;
    }

    // Once the file is known to open: the folder exists, so it can be watched.
    private void StartWatching()
    {
        lock (_watchGate)
        {
            if (_watchStarted)
            {
                return;
            }

            _watchStarted = true;
            if (_watchChanges)
            {
                _watch = SqliteChangeWatcher.Subscribe(DatabasePath, WakeWaiters, _logger);
            }
        }
    }

    // The hint does not say which lock was released: every waiter of this process looks again.
    private void WakeWaiters() => _onRemoteRelease?.Invoke(null);

    private static long UnixMilliseconds(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    private static long UnixMicroseconds(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / (TimeSpan.TicksPerMillisecond / 1000);

    // Whole milliseconds, at least one.
    private static long Milliseconds(TimeSpan value) => Math.Max(1, (long)Math.Ceiling(value.TotalMilliseconds));

    private readonly record struct AcquireRequest(string Key, string Holder, long TtlMs, TimeProvider Time);

    private readonly record struct AcquireState(string Key, string Holder, long Now, long ExpiresAt, long FenceFloor);

    /// <summary>A fence above zero when taken; otherwise how long until the lock may be free.</summary>
    private readonly record struct AcquireOutcome(long Fence, long ExpiresAt, long RetryAfterMs);
}
