namespace BidLocks;

/// <summary>Why a held lease was lost (<see cref="BidLockLostException.Reason"/>).</summary>
public enum BidLockLossReason
{
    /// <summary>The lease ran out before a renewal reached the backend (a paused process, a renewal answered too late).</summary>
    Expired,

    /// <summary>The backend no longer had this holder's lock although its lease had not run out: another holder took it, or its record vanished.</summary>
    Taken,

    /// <summary>An operator broke the lock (<see cref="IBidLockManager.ForceReleaseAsync"/>, <c>bidlocks release --force</c>).</summary>
    ForceReleased,

    /// <summary>The backend could not be reached (or lost its data) until the lease expired, so nobody can say who holds the lock.</summary>
    BackendLost,

    /// <summary>The hold reached its cap (<c>MaxHoldSeconds</c>, <see cref="BidLockOptions.MaxHold"/>).</summary>
    HoldCapped,
}
