namespace BidLocks;

/// <summary>
/// The few atomic steps a backend provides. Everything else (validation, waiting, fairness, renewal, re-entry,
/// metrics) lives once in <see cref="BidLockManagerBase"/>. Methods throw on backend failure; the manager turns
/// that into <see cref="BidLockUnavailableException"/>.
/// </summary>
internal partial interface ILockStore : ILockInspection, IAsyncDisposable
{
    string Backend { get; }

    /// <summary>
    /// A waiter's first pause between tries; it doubles up to one second. 50 ms suits a backend that notifies waiters
    /// of every release; one that can only hint at releases (SQLite) asks for shorter first retries.
    /// </summary>
    TimeSpan FirstRetryDelay => TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Takes the lock when it is free, expired, or already held by <paramref name="holderId"/> (then its TTL is
    /// reset and its fence kept). The fence comes from the same atomic step. The expiry is timed from a clock reading
    /// taken no earlier than the backend's own start of the TTL (before the request, or inside the transaction), so
    /// the lease never believes it holds the lock longer than the backend does. <paramref name="skipFencingToken"/> lets a
    /// backend for which the fence costs extra work skip it (the attempt's fence is then 0).
    /// <para><paramref name="attemptId"/> names the attempt (one wait for the lock) of a holder-named lock, whose holder
    /// id may ask many times; it is null for a lease, whose holder id is new for its one attempt and so names it. A
    /// backend that can grant a hold without the caller hearing of it (a lost Redis reply) records which attempt
    /// granted a new hold, and a hold asked for again keeps the attempt that granted it, so that
    /// <see cref="AbandonAsync"/> removes only its own attempt's grant.</para>
    /// </summary>
    ValueTask<AcquireAttempt> TryAcquireAsync(BidLockKey key, string holderId, string? attemptId, TimeSpan ttl, bool skipFencingToken, CancellationToken cancellationToken);

    /// <summary>
    /// A later try by a waiter whose earlier try found the lock busy. A backend that queues waiters across processes
    /// (Redis) takes its queue-aware path here and keeps its first try cheap; others need not override it.
    /// </summary>
    ValueTask<AcquireAttempt> RetryAcquireAsync(BidLockKey key, string holderId, string? attemptId, TimeSpan ttl, bool skipFencingToken, CancellationToken cancellationToken)
        => TryAcquireAsync(key, holderId, attemptId, ttl, skipFencingToken, cancellationToken);

    /// <summary>
    /// A fence for a lock <paramref name="holderId"/> holds and took without one (a re-entrant acquire that wants the
    /// token its outer acquire skipped); null when it no longer holds the lock. Only a backend that can skip fences
    /// needs it.
    /// </summary>
    ValueTask<long?> TakeFenceAsync(BidLockKey key, string holderId)
        => throw new NotSupportedException($"The {Backend} backend takes a fence with every acquire.");

    /// <summary>
    /// A waiter gave up (timeout, cancellation, failure) or was granted a hold that had already run out: drop what this
    /// attempt of <paramref name="holderId"/> may have left on the key (its place in any queue the backend keeps, a
    /// reservation, a hold this attempt was granted without hearing of it), so the next waiter need not wait for it to
    /// expire. Never a hold another attempt granted: a holder-named lock the holder had before this attempt (which
    /// asked again) or got after it stays. <paramref name="attemptId"/> is as given to <see cref="TryAcquireAsync"/>.
    /// Best effort; must not throw.
    /// </summary>
    ValueTask AbandonAsync(BidLockKey key, string holderId, string? attemptId) => ValueTask.CompletedTask;

    /// <summary>
    /// Resets the TTL when <paramref name="holderId"/> still holds the lock; null when it does not. The new expiry is
    /// timed from a clock reading taken no earlier than the backend's own start of the new TTL.
    /// </summary>
    ValueTask<LeaseExpiry?> ExtendAsync(BidLockKey key, string holderId, TimeSpan ttl, CancellationToken cancellationToken);

    /// <summary>Deletes the lock when <paramref name="holderId"/> holds it, and tells waiters; false otherwise.</summary>
    ValueTask<bool> ReleaseAsync(BidLockKey key, string holderId, CancellationToken cancellationToken);

    ValueTask<int> CleanupExpiredAsync(CancellationToken cancellationToken);

    ValueTask<BidLockHealth> CheckHealthAsync(CancellationToken cancellationToken);

    /// <summary>
    /// What an operator should do about a failure, when the store can tell (a refused permission, say); null otherwise.
    /// The manager appends it to the <see cref="BidLockUnavailableException"/> message.
    /// </summary>
    string? Explain(Exception exception) => null;

    /// <summary>
    /// Registers the callback the store calls when it learns that another process released a lock, so local
    /// waiters retry at once instead of at their next backoff: with the lock's key, or null when the store cannot
    /// tell which lock (every waiter then looks again).
    /// </summary>
    void OnRemoteRelease(Action<string?> releasedKey);

    /// <summary>
    /// Registers the callback the store calls when its holds may have gone behind the manager's back: the connection
    /// dropped (a server restarted without persistence, or a fail-over, loses them), and again when it is back or the
    /// server behind it changed, when every held lease is to be verified at once. A store whose holds cannot vanish
    /// so (one process, a database file) never calls it.
    /// </summary>
    void OnHoldsInDoubt(Action<HoldsInDoubt> inDoubt)
    {
    }

    /// <summary>
    /// Registers the callback the store calls when every lock it granted so far is void at once (the SQLite file was
    /// deleted or replaced under it): the manager then marks every lease it holds lost, with the reason given.
    /// </summary>
    void OnGenerationEnded(Action<string> loseEveryLease)
    {
    }
}

/// <summary>Why a store's holds are in doubt (see <see cref="ILockStore.OnHoldsInDoubt"/>).</summary>
internal enum HoldsInDoubt
{
    /// <summary>The connection dropped: nothing can be verified yet, and a grant may come from another server.</summary>
    Disconnected,

    /// <summary>The connection is back, or another server answers now: verify every held lease.</summary>
    Reconnected,
}

/// <summary>What one try at a lock found.</summary>
internal readonly struct AcquireAttempt
{
    private AcquireAttempt(bool acquired, long fencingToken, LeaseExpiry expiry, TimeSpan? retryAfter, bool waited = false)
    {
        Acquired = acquired;
        FencingToken = fencingToken;
        Expiry = expiry;
        RetryAfter = retryAfter;
        Waited = waited;
    }

    public bool Acquired { get; }

    /// <summary>Set by the manager: the lock was had only after a try found it taken.</summary>
    public bool Waited { get; }

    public long FencingToken { get; }

    public LeaseExpiry Expiry { get; }

    /// <summary>When busy: how long until the current hold expires, if the backend knows.</summary>
    public TimeSpan? RetryAfter { get; }

    public static AcquireAttempt Success(long fencingToken, LeaseExpiry expiry) => new(true, fencingToken, expiry, null);

    public static AcquireAttempt Busy(TimeSpan? retryAfter) => new(false, 0, default, retryAfter);

    public AcquireAttempt AfterWaiting() => new(Acquired, FencingToken, Expiry, RetryAfter, waited: true);
}
