namespace BidLocks;

/// <summary>
/// What a store offers operators besides the lock steps: reading who holds what (never changing it) and breaking a
/// stuck hold. Every store offers it (<see cref="ILockStore"/> extends it); it is an interface of its own so the lock
/// steps read apart from the operator's.
/// </summary>
internal interface ILockInspection
{
    /// <summary>
    /// True when the store keeps the waiters' queue itself and <see cref="BidLockInfo.Waiters"/> counts them; false when
    /// the only queue is the manager's own (in memory), which then counts its waiters itself.
    /// </summary>
    bool CountsWaiters => true;

    /// <summary>The lock's holder and state; null when it is free.</summary>
    ValueTask<BidLockInfo?> InspectAsync(BidLockKey key, CancellationToken cancellationToken);

    /// <summary>
    /// Every held lock under <paramref name="keyPrefix"/> (of one marketplace when <paramref name="marketplaceId"/> is
    /// given), ranked by <see cref="HeldLockRanking"/> and cut to <paramref name="limit"/>.
    /// </summary>
    ValueTask<IReadOnlyList<BidLockInfo>> ListHeldAsync(string keyPrefix, string? marketplaceId, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Removes whatever hold the lock has, serves the next queued waiter, and raises the fence; null when nothing held it.
    /// A broken holder's id is kept with <paramref name="note"/> (<see cref="ForcedReleaseNote"/>) for a while after its
    /// lease would have expired, for <see cref="ReadForcedReleaseAsync"/>.
    /// </summary>
    ValueTask<BrokenHold?> ForceReleaseAsync(BidLockKey key, string note, CancellationToken cancellationToken);

    /// <summary>
    /// The note a forced release left for <paramref name="holderId"/> on this lock; null when none did (or it lapsed).
    /// Read by a holder whose renewal found its lock gone, to say who broke it.
    /// </summary>
    ValueTask<string?> ReadForcedReleaseAsync(BidLockKey key, string holderId, CancellationToken cancellationToken);
}

/// <summary>What a forced release took away: the holder (null for a reservation), the fence before and the fence raised.</summary>
internal readonly record struct BrokenHold(string? HolderId, long PreviousFencingToken, long FencingToken);
