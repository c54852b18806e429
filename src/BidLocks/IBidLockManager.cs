namespace BidLocks;

/// <summary>A distributed lock on (marketplace, posting) pairs, backed by Redis, SQLite or process memory.</summary>
/// <remarks>
/// Members by concern: <b>locking</b> (<see cref="AcquireAsync(string, string, TimeSpan?, CancellationToken)"/>,
/// <see cref="TryAcquireAsync"/>, <see cref="AcquireManyAsync"/>), what a bid needs; the <b>holder-named form</b>
/// (<see cref="AcquireLockAsync"/>, <see cref="ReleaseLockAsync"/>) of the original manager, kept for code written
/// against it; <b>health and metrics</b> (<see cref="Backend"/>, <see cref="BackendChoice"/>,
/// <see cref="CheckHealthAsync"/>, <see cref="GetMetrics"/>); and <b>operations</b> (<see cref="InspectAsync"/>,
/// <see cref="ListHeldAsync"/>, <see cref="ForceReleaseAsync"/>, and the maintenance call
/// <see cref="CleanupExpiredAsync"/>). Every manager this library ships implements all of them.
/// </remarks>
public interface IBidLockManager : IAsyncDisposable
{
    // ----- Locking: what a bid needs -----

    /// <summary>Waits for the lock and returns its lease; dispose the lease to release it.</summary>
    /// <exception cref="BidLockTimeoutException">The lock was not free within <paramref name="timeout"/>.</exception>
    /// <exception cref="BidLockUnavailableException">The backend could not be reached.</exception>
    /// <exception cref="ArgumentException">An id is null, empty, too long or not valid UTF-16.</exception>
    ValueTask<BidLockLease> AcquireAsync(string marketplaceId, string postingId, TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// As <see cref="AcquireAsync(string, string, TimeSpan?, CancellationToken)"/>, with a lease TTL and hold cap;
    /// the generated <see cref="BidLockAttribute"/> methods call this one.
    /// </summary>
    ValueTask<BidLockLease> AcquireAsync(string marketplaceId, string postingId, BidLockAcquireOptions options, CancellationToken cancellationToken = default);

    /// <summary>Waits for the lock; returns null instead of throwing when the timeout passes.</summary>
    ValueTask<BidLockLease?> TryAcquireAsync(string marketplaceId, string postingId, TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Locks several postings of one marketplace as one lease, all or nothing. The postings are taken one at a time in
    /// one global order (their encoded keys, ordinal), so two callers whose sets overlap, in whatever order they list
    /// them, cannot deadlock; duplicates collapse. <see cref="BidLockAcquireOptions.Timeout"/> covers the whole set:
    /// when it passes, or the backend fails, or <paramref name="cancellationToken"/> fires, the postings already taken
    /// are released before the call throws. Postings the calling flow already holds are re-entered at once.
    /// </summary>
    /// <returns>
    /// One lease for the set: <see cref="BidLockLease.PostingIds"/> and <see cref="BidLockLease.FencingTokens"/> list
    /// each posting; <see cref="BidLockLease.LostToken"/> fires when any posting's lease is lost; disposing it releases all.
    /// </returns>
    /// <exception cref="BidLockTimeoutException">A posting was not free within the timeout (it names that posting).</exception>
    /// <exception cref="BidLockUnavailableException">The backend could not be reached.</exception>
    /// <exception cref="ArgumentException">
    /// An id is invalid, the set is null or empty, an element is null, or it has more than
    /// <see cref="BidLockDefaults.MaxPostingsPerLock"/> distinct postings.
    /// </exception>
    ValueTask<BidLockLease> AcquireManyAsync(string marketplaceId, IEnumerable<string> postingIds, BidLockAcquireOptions options, CancellationToken cancellationToken = default);

    // ----- The original manager's holder-named form (compatibility) -----

    /// <summary>
    /// The original manager's manual form, kept for code written against it: takes the lock for <paramref name="holderId"/> (no renewal; held until
    /// released or for <see cref="BidLockDefaults.MaxHoldSeconds"/>). True when taken, or already held by that holder:
    /// asking again keeps the lock (with a new hold time).
    /// </summary>
    /// <remarks>
    /// A call that fails (<see cref="BidLockUnavailableException"/>: the backend timed out, SQLite stayed busy, a grant
    /// was not acknowledged by <see cref="BidLockOptions.MinReplicas"/>) gives up, in the background, only what that call
    /// may have left: its place in the queue, or a grant it never heard of. A hold the holder had before the call (it
    /// asked again) stays held, and so does one a later call gets: this manager sends the holder's next acquire or
    /// release on the lock only once that clean-up has finished. A failed call therefore tells nothing about whether the
    /// holder still holds the lock: ask again (true means held) or release it.
    /// </remarks>
    ValueTask<bool> AcquireLockAsync(string marketplaceId, string postingId, string holderId, TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Releases a lock taken by <see cref="AcquireLockAsync"/>; false when <paramref name="holderId"/> does not hold it.
    /// Sent once the clean-up of the holder's last failed acquire of the lock, if one is still on its way, has finished,
    /// so that the answer counts that clean-up in.
    /// </summary>
    ValueTask<bool> ReleaseLockAsync(string marketplaceId, string postingId, string holderId, CancellationToken cancellationToken = default);

    // ----- Health and metrics: what a probe or dashboard reads -----

    /// <summary>The backend: <c>"redis"</c>, <c>"sqlite"</c> or <c>"in-memory"</c>.</summary>
    string Backend { get; }

    /// <summary>
    /// Which backend the factory chose and why (with any password as <c>***</c>), when the factory made this manager;
    /// null for a manager constructed directly.
    /// </summary>
    BidLockBackendChoice? BackendChoice { get; }

    /// <summary>Checks that the backend answers.</summary>
    ValueTask<BidLockHealth> CheckHealthAsync(CancellationToken cancellationToken = default);

    /// <summary>A snapshot of this manager's counters.</summary>
    BidLockMetrics GetMetrics();

    // ----- Operations: for an operator or the bidlocks tool -----

    /// <summary>
    /// Who holds the lock on (marketplace, posting), since when, until when, its fencing token and how many wait; null
    /// when it is free. Read-only: it never takes, renews or releases anything.
    /// </summary>
    /// <exception cref="ArgumentException">An id is null, empty, too long or not valid UTF-16 (before any I/O).</exception>
    /// <exception cref="BidLockUnavailableException">The backend could not be read.</exception>
    ValueTask<BidLockInfo?> InspectAsync(string marketplaceId, string postingId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The locks held now (of one marketplace when <paramref name="marketplaceId"/> is given), longest-held first, at most
    /// <paramref name="limit"/> of them. Read-only; on Redis it pages through the keys with <c>SCAN</c> on every master
    /// (never <c>KEYS</c>), so it does not block the server.
    /// </summary>
    /// <exception cref="ArgumentException">The marketplace id is invalid or <paramref name="limit"/> is below 1 (before any I/O).</exception>
    /// <exception cref="BidLockUnavailableException">The backend could not be read.</exception>
    ValueTask<IReadOnlyList<BidLockInfo>> ListHeldAsync(string? marketplaceId, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Breaks a stuck lock whoever holds it, for an operator (<c>bidlocks release --force</c>): the hold is removed, the
    /// next queued waiter is served, and the fence is raised so that the old holder's token is below every later one.
    /// The old holder's lease notices at its next renewal and cancels its <see cref="BidLockLease.LostToken"/>. Logged as a
    /// warning naming <paramref name="requestedBy"/>. Null when the lock was not held.
    /// </summary>
    /// <exception cref="ArgumentException">An id or <paramref name="requestedBy"/> is invalid (before any I/O).</exception>
    /// <exception cref="BidLockUnavailableException">The backend could not be reached.</exception>
    ValueTask<BidLockForcedRelease?> ForceReleaseAsync(string marketplaceId, string postingId, string requestedBy, CancellationToken cancellationToken = default);

    /// <summary>
    /// Maintenance: removes holds whose TTL has passed and returns how many. Never needed for correctness (an expired
    /// hold is free to the next acquire on every backend); it only reclaims space, e.g. from a nightly job.
    /// </summary>
    ValueTask<int> CleanupExpiredAsync(CancellationToken cancellationToken = default);
}
