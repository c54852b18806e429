namespace BidLocks;

/// <summary>What the rules of DESIGN §3 decided, before anything is opened or connected.</summary>
internal enum BackendKind
{
    /// <summary>Redis, and nothing else: if it cannot be reached, start fails.</summary>
    RedisRequired,

    /// <summary>Redis if it answers at start, else SQLite with a warning (never in Production).</summary>
    RedisOrSqlite,

    /// <summary>SQLite at <see cref="BackendPlan.SqlitePath"/>.</summary>
    Sqlite,
}

/// <summary>The backend to start, why, and where.</summary>
/// <param name="Kind">Which backend, and whether falling back is allowed.</param>
/// <param name="Reason">Why, in words for the start-up log line; never holds a password.</param>
/// <param name="Redis">The Redis server, for the Redis kinds.</param>
/// <param name="SqlitePath">The SQLite file for <see cref="BackendKind.Sqlite"/> and the fallback.</param>
/// <param name="Environment">The deployment environment the rules saw, or null when none is set.</param>
internal sealed record BackendPlan(BackendKind Kind, string Reason, RedisConnectionSettings? Redis, string? SqlitePath, string? Environment);
