namespace BidLocks;

/// <summary>How well a backend answers.</summary>
public enum BidLockHealthStatus
{
    /// <summary>The backend cannot take locks.</summary>
    Unhealthy = 0,

    /// <summary>The backend answers, but slowly or with warnings.</summary>
    Degraded = 1,

    /// <summary>The backend answers normally.</summary>
    Healthy = 2,
}

/// <summary>The result of <see cref="IBidLockManager.CheckHealthAsync"/>. Never contains a password.</summary>
/// <param name="Status">Healthy, Degraded or Unhealthy.</param>
/// <param name="Backend">The backend name.</param>
/// <param name="Description">What was checked and what it found.</param>
/// <param name="Latency">How long the check's round trip took, when it got an answer.</param>
/// <param name="ServerVersion">The backend's version, where it has one.</param>
public sealed record BidLockHealth(BidLockHealthStatus Status, string Backend, string Description, TimeSpan? Latency = null, string? ServerVersion = null)
{
    /// <summary>True when <see cref="Status"/> is <see cref="BidLockHealthStatus.Healthy"/>.</summary>
    public bool IsHealthy => Status == BidLockHealthStatus.Healthy;
}
