using System.Globalization;

namespace BidLocks;

/// <summary>
/// The rules of DESIGN §3 as a pure function of the options and the environment, so that each can be tested on its
/// own. Options set in code or bound from configuration win over their environment variables.
/// </summary>
/// <remarks>
/// <para>1. <c>USE_REDIS_LOCKS=true</c> forces Redis; <c>false</c> rules it out.</para>
/// <para>2. <c>REDIS_URL</c>, or 3. <c>REDIS_HOST</c> (with <c>REDIS_PORT</c>, <c>REDIS_DB</c>, <c>REDIS_PASSWORD</c>)
/// names a Redis server: used if it answers at start; outside Production an unreachable one falls back to SQLite.</para>
/// <para>4. The deployment environment: <see cref="BidLockOptions.EnvironmentName"/>, else the host's
/// (<c>IHostEnvironment</c>, when <c>AddBidLocks</c> runs under a host), else <c>DOTNET_ENVIRONMENT</c>, then
/// <c>ASPNETCORE_ENVIRONMENT</c>, else Production, as .NET's hosts default to. <c>Production</c> requires Redis;
/// anywhere else SQLite at <c>BIDLOCKS_SQLITE_PATH</c> (default: one file in the system temp folder).</para>
/// <para>Production with Redis ruled out by rule 1 cannot meet rule 4, so it fails at start rather than pick a lock
/// that would let two hosts bid at once.</para>
/// </remarks>
internal static class BackendRules
{
    public const string UseRedisVariable = "USE_REDIS_LOCKS";
    public const string DotnetEnvironmentVariable = "DOTNET_ENVIRONMENT";
    public const string AspNetCoreEnvironmentVariable = "ASPNETCORE_ENVIRONMENT";
    public const string Production = "Production";
    public const string HostEnvironmentSource = "the host's environment (IHostEnvironment.EnvironmentName)";

    // .NET's hosts say Production when no environment is set; a container deployed without one must not get a lock that
    // holds on one host only while its own log says Production (issue #11).
    private const string UnsetEnvironment =
        "no environment is set (DOTNET_ENVIRONMENT, ASPNETCORE_ENVIRONMENT), which .NET treats as Production, and Production";

    private const string HowToNameRedis =
        "set REDIS_URL (redis://[user:password@]host[:port][/db], rediss:// for TLS, redis+sentinel://host[:port][,host[:port]…]/service[/db] for Sentinel) or REDIS_HOST (with REDIS_PORT, REDIS_DB, REDIS_PASSWORD), "
        + "or BidLocks:RedisUrl / BidLocks:RedisHost in configuration";

    /// <summary>Decides the backend without any I/O.</summary>
    /// <param name="options">The options; a property that is set wins over its environment variable.</param>
    /// <param name="environment">Reads an environment variable.</param>
    /// <param name="hostEnvironmentName">The host's environment, when there is a host: it wins over the variables.</param>
    /// <exception cref="InvalidOperationException">The settings cannot be met (Production without Redis, Redis forced but not named).</exception>
    /// <exception cref="FormatException">A setting is malformed; the message never shows a password.</exception>
    public static BackendPlan Decide(BidLockOptions options, Func<string, string?> environment, string? hostEnvironmentName = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        var (environmentName, environmentSource) = EnvironmentName(options, environment, hostEnvironmentName);
        var production = environmentName is null || string.Equals(environmentName, Production, StringComparison.OrdinalIgnoreCase);
        var (useRedis, useRedisSource) = UseRedis(options, environment);
        var where = environmentName is null ? UnsetEnvironment : $"{environmentSource}={environmentName}";
        // Someone who set nothing is most likely on a developer's machine: say how to get SQLite there.
        var unsetAdvice = environmentName is null ? $" On a developer's machine set {DotnetEnvironmentVariable}=Development instead, for SQLite." : string.Empty;

        if (useRedis == false)
        {
            return production
                ? throw new InvalidOperationException(
                    $"BidLocks cannot start: {where} requires Redis, but {useRedisSource}=false rules it out. "
                    + $"Unset {useRedisSource} (or set it to true) and {HowToNameRedis}; outside Production, SQLite is used instead.{unsetAdvice}")
                : Sqlite($"{useRedisSource}=false rules Redis out", options, environment, environmentName);
        }

        var redis = RedisConnectionSettings.Resolve(options, environment);
        if (useRedis == true)
        {
            return redis is null
                ? throw new InvalidOperationException($"BidLocks cannot start: {useRedisSource}=true forces Redis, but no Redis server is named: {HowToNameRedis}.")
                : new BackendPlan(BackendKind.RedisRequired, $"{useRedisSource}=true forces Redis at {redis} (from {redis.Source})", redis, null, environmentName);
        }

        if (redis is not null)
        {
            return production
                ? new BackendPlan(BackendKind.RedisRequired, $"{where} requires Redis; {redis.Source} names {redis}", redis, null, environmentName)
                : new BackendPlan(BackendKind.RedisOrSqlite, $"{redis.Source} names Redis at {redis}", redis, SqliteDatabasePath.Resolve(null, options, environment), environmentName);
        }

        return production
            ? throw new InvalidOperationException($"BidLocks cannot start: {where} requires Redis, and none is named: {HowToNameRedis}.{unsetAdvice}")
            : Sqlite($"no Redis is named and {where}", options, environment, environmentName);
    }

    private static BackendPlan Sqlite(string why, BidLockOptions options, Func<string, string?> environment, string? environmentName)
    {
        var path = SqliteDatabasePath.Resolve(null, options, environment);
        return new BackendPlan(BackendKind.Sqlite, $"{why}; SQLite at {path}", null, path, environmentName);
    }

    private static (string? Name, string Source) EnvironmentName(BidLockOptions options, Func<string, string?> environment, string? hostEnvironmentName)
    {
        if (!string.IsNullOrWhiteSpace(options.EnvironmentName))
        {
            return (options.EnvironmentName.Trim(), "BidLockOptions.EnvironmentName");
        }

        // The host already read DOTNET_ENVIRONMENT / ASPNETCORE_ENVIRONMENT, its configuration and its command line:
        // the environment it logs is the one the locks must follow.
        if (!string.IsNullOrWhiteSpace(hostEnvironmentName))
        {
            return (hostEnvironmentName.Trim(), HostEnvironmentSource);
        }

        foreach (var variable in new[] { DotnetEnvironmentVariable, AspNetCoreEnvironmentVariable })
        {
            if (environment(variable) is { } value && !string.IsNullOrWhiteSpace(value))
            {
                return (value.Trim(), variable);
            }
        }

        return (null, DotnetEnvironmentVariable);
    }

    private static (bool? Value, string Source) UseRedis(BidLockOptions options, Func<string, string?> environment)
    {
        if (options.UseRedis is { } configured)
        {
            return (configured, "BidLockOptions.UseRedis");
        }

        var text = environment(UseRedisVariable)?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return (null, UseRedisVariable);
        }

        return text.ToLowerInvariant() switch
        {
            "true" or "1" or "yes" or "on" => (true, UseRedisVariable),
            "false" or "0" or "no" or "off" => (false, UseRedisVariable),
            _ => throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"{UseRedisVariable} must be true or false; got '{text}'.")),
        };
    }
}
