namespace BidLocks;

/// <summary>
/// What inspection found about one held lock (<see cref="IBidLockManager.InspectAsync"/>,
/// <see cref="IBidLockManager.ListHeldAsync"/>): a snapshot read without taking or changing the lock.
/// </summary>
/// <param name="MarketplaceId">The marketplace, as the holder named it.</param>
/// <param name="PostingId">The posting, as the holder named it.</param>
/// <param name="Key">The lock's storage key, for example <c>bidlock:{ebay:42}</c>.</param>
/// <param name="HolderId">
/// Who holds it: <c>&lt;instance&gt;:&lt;random&gt;:&lt;unix ms&gt;</c> for a lease, or the id a caller of
/// <see cref="IBidLockManager.AcquireLockAsync"/> named. Null while the lock is being handed to the first queued waiter
/// (reserved for it, not yet taken). It is the capability that releases the lock: show it only to operators.
/// </param>
/// <param name="InstanceId">The holder's instance (<see cref="BidLockOptions.InstanceId"/>), when the holder id is a lease's; otherwise null.</param>
/// <param name="HeldSince">
/// When the holder got the lock, where the backend can tell: always on SQLite (the fence's clock part) and in memory;
/// on Redis for every lease (the Redis server's clock for a waiter that was handed the lock, the holder's clock at its
/// first try otherwise) and for a manual holder (the Redis server's clock when it was granted the lock).
/// </param>
/// <param name="ExpiresAt">When the hold runs out unless its holder renews it.</param>
/// <param name="FencingToken">
/// The last fencing token handed out for the lock: the holder's own when its acquire took one. On Redis a hold taken
/// without a fence (<see cref="BidLockAcquireOptions.SkipFencingToken"/>) shows the previous holder's; 0 when none was ever taken.
/// </param>
/// <param name="Waiters">How many waiters (of every process) are queued for it.</param>
/// <param name="ReadAt">When it was read: the clock against which <see cref="HeldFor"/> and <see cref="TimeToLive"/> are measured.</param>
public sealed record BidLockInfo(
    string MarketplaceId,
    string PostingId,
    string Key,
    string? HolderId,
    string? InstanceId,
    DateTimeOffset? HeldSince,
    DateTimeOffset ExpiresAt,
    long FencingToken,
    int Waiters,
    DateTimeOffset ReadAt)
{
    /// <summary>How long it had been held when read; null when <see cref="HeldSince"/> is unknown.</summary>
    public TimeSpan? HeldFor => HeldSince is { } since ? Max(ReadAt - since, TimeSpan.Zero) : null;

    /// <summary>How long the hold had left when read.</summary>
    public TimeSpan TimeToLive => Max(ExpiresAt - ReadAt, TimeSpan.Zero);

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
