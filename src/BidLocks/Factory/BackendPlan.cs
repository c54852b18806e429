namespace BidLocks;

/// <summary>What the backend rules decided, before anything is opened or connected.</summary>
internal enum BackendKind
{
    /// <summary>Redis, and nothing else: if it cannot be had at start, start fails.</summary>
    RedisRequired,

    /// <summary>Redis if it answers at start, else SQLite with a warning: only where the application opted in.</summary>
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
/// <param name="EnvironmentSource">Where that environment came from, and what it means (<c>DOTNET_ENVIRONMENT=Development</c>).</param>
/// <param name="FallbackSource">For <see cref="BackendKind.RedisOrSqlite"/>: the setting that opted in to the fallback.</param>
internal sealed record BackendPlan(
    BackendKind Kind, string Reason, RedisConnectionSettings? Redis, string? SqlitePath, string? Environment, string EnvironmentSource, string? FallbackSource = null);
