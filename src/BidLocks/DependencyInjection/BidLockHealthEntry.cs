namespace BidLocks;

/// <summary>One check of a <see cref="BidLockHealthResponse"/>.</summary>
/// <param name="Status">Healthy, Degraded or Unhealthy.</param>
/// <param name="Backend">The lock backend (<c>redis</c>, <c>sqlite</c>, <c>in-memory</c>), for the <c>bidlocks</c> check.</param>
/// <param name="Server">Where the locks live (the Redis server or the SQLite file, no password), for the <c>bidlocks</c> check.</param>
/// <param name="Version">The server's version, when it has one.</param>
/// <param name="Reason">What the check found: why it is degraded or unhealthy (a fallback, a backend that did not answer).</param>
/// <param name="LatencyMs">The backend's round trip, when it answered.</param>
/// <param name="DurationMs">How long the check took.</param>
public sealed record BidLockHealthEntry(string Status, string? Backend, string? Server, string? Version, string? Reason, double? LatencyMs, double DurationMs);
