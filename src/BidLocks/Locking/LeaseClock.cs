namespace BidLocks;

/// <summary>
/// One moment read from both clocks a lease needs: the wall clock, which a backend may store as an absolute expiry
/// and a lease shows as <see cref="BidLockLease.ExpiresAt"/>, and the monotonic clock, which times the lease itself
/// (renewals, the hold cap, loss). A wall clock stepped back or forward moves the first, never the second.
/// </summary>
/// <remarks>Monotonic instants are <see cref="TimeSpan"/>s from the time provider's arbitrary timestamp origin.</remarks>
internal readonly record struct LeaseClock(DateTimeOffset Wall, TimeSpan Monotonic)
{
    public static LeaseClock Read(TimeProvider time) => new(time.GetUtcNow(), MonotonicNow(time));

    public static TimeSpan MonotonicNow(TimeProvider time) => time.GetElapsedTime(0, time.GetTimestamp());

    /// <summary>The end of a hold that lasts <paramref name="ttl"/> from this moment.</summary>
    public LeaseExpiry Plus(TimeSpan ttl) => new(Wall + ttl, Monotonic + ttl);

    /// <summary>The end of a hold stored as ending at <paramref name="expiresAt"/> on the wall clock read now.</summary>
    public LeaseExpiry Until(DateTimeOffset expiresAt) => new(expiresAt, Monotonic + (expiresAt - Wall));
}

/// <summary>When a hold ends: on the wall clock (what the lease shows) and on the monotonic clock (what it is timed by).</summary>
internal readonly record struct LeaseExpiry(DateTimeOffset ExpiresAt, TimeSpan Deadline)
{
    /// <summary>How long the hold has left; zero or less once it has ended.</summary>
    public TimeSpan Remaining(TimeProvider time) => Deadline - LeaseClock.MonotonicNow(time);
}
