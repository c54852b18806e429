namespace BidLocks;

/// <summary>
/// Per-acquire settings: how long to wait, the lease time to live and the hard cap on the hold.
/// The generator passes the values of <see cref="BidLockAttribute"/> through this type.
/// </summary>
/// <param name="Timeout">How long to wait for the lock; null means the manager's default.</param>
/// <param name="Ttl">Lease time to live; null means the manager's default.</param>
/// <param name="MaxHold">Hard cap on the hold, renewals included; null means the manager's default.</param>
public readonly record struct BidLockAcquireOptions(TimeSpan? Timeout = null, TimeSpan? Ttl = null, TimeSpan? MaxHold = null)
{
    /// <summary>Builds options from seconds, as written in <see cref="BidLockAttribute"/>.</summary>
    public static BidLockAcquireOptions FromSeconds(double timeoutSeconds, double ttlSeconds, double maxHoldSeconds)
        => new(TimeSpan.FromSeconds(timeoutSeconds), TimeSpan.FromSeconds(ttlSeconds), TimeSpan.FromSeconds(maxHoldSeconds));
}
