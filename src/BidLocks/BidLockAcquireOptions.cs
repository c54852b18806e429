using System.ComponentModel;

namespace BidLocks;

/// <summary>
/// Per-acquire settings: how long to wait, the lease time to live and the hard cap on the hold.
/// The generator passes the values of <see cref="BidLockAttribute"/> through this type.
/// </summary>
/// <param name="Timeout">How long to wait for the lock; null means the manager's default.</param>
/// <param name="Ttl">Lease time to live; null means the manager's default.</param>
/// <param name="MaxHold">Hard cap on the hold, renewals included; null means the manager's default.</param>
/// <param name="SkipFencingToken">
/// True when nobody will read the lease's <see cref="BidLockLease.FencingToken"/>: a backend that pays for the token
/// (Redis: a clock read and a write per acquire) then takes none, and the lease's token is 0. The generator sets it
/// for a <c>[BidLock]</c> body that does not take the lease, or takes it but provably never reads its token. False
/// (the default, and <c>default(…)</c>) takes one.
/// </param>
public readonly record struct BidLockAcquireOptions(TimeSpan? Timeout = null, TimeSpan? Ttl = null, TimeSpan? MaxHold = null, bool SkipFencingToken = false)
{
    /// <summary>
    /// Builds options from seconds, as written in <see cref="BidLockAttribute"/>. A value left out (null) is one the
    /// attribute does not name: the manager's <see cref="BidLockOptions.DefaultTimeout"/>,
    /// <see cref="BidLockOptions.DefaultTtl"/> or <see cref="BidLockOptions.MaxHold"/> applies.
    /// <paramref name="skipFencingToken"/> is <see cref="SkipFencingToken"/>.
    /// Written for generated code (hidden from completion): by hand, the constructor with <see cref="TimeSpan"/>s reads better.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static BidLockAcquireOptions FromSeconds(double? timeoutSeconds = null, double? ttlSeconds = null, double? maxHoldSeconds = null, bool skipFencingToken = false)
        => new(ToTimeSpan(timeoutSeconds), ToTimeSpan(ttlSeconds), ToTimeSpan(maxHoldSeconds), skipFencingToken);

    private static TimeSpan? ToTimeSpan(double? seconds) => seconds is { } value ? TimeSpan.FromSeconds(value) : null;
}
