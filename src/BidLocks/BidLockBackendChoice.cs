namespace BidLocks;

/// <summary>
/// Which backend <see cref="BidLockManagerFactory"/> (or <c>AddBidLocks</c>) chose at start, and why: the same words as
/// its start-up log line, as data, so that a tool or a status page can show them without reading the log. Never holds a
/// password.
/// </summary>
/// <param name="Backend"><c>"redis"</c> or <c>"sqlite"</c>.</param>
/// <param name="Reason">Why this backend, naming the settings that decided it.</param>
/// <param name="Environment">The deployment environment the rules saw, and where it came from (<c>DOTNET_ENVIRONMENT=Development</c>).</param>
/// <param name="Location">Where the locks live: the Redis server as a URL with its password as <c>***</c>, or the SQLite file.</param>
/// <param name="FallbackReason">
/// Set only when a named Redis was unreachable at start and the application opted in to SQLite instead
/// (<see cref="BidLockOptions.AllowSqliteFallback"/>): why, and what that costs. Null otherwise.
/// </param>
public sealed record BidLockBackendChoice(string Backend, string Reason, string Environment, string Location, string? FallbackReason = null)
{
    /// <summary><c>backend: reason</c>, and the fallback, if any.</summary>
    public override string ToString() => FallbackReason is null ? $"{Backend}: {Reason}" : $"{Backend}: {Reason} ({FallbackReason})";
}
