using System.Globalization;

namespace BidLocks;

/// <summary>
/// The backend rules as a pure function of the options and the environment, so that each can be tested on its
/// own. Options set in code or bound from configuration win over their environment variables.
/// </summary>
/// <remarks>
/// <para>1. <c>USE_REDIS_LOCKS=true</c> forces Redis; <c>false</c> rules it out: SQLite anywhere, by explicit choice.</para>
/// <para>2. <c>REDIS_URL</c>, or 3. <c>REDIS_HOST</c> (with <c>REDIS_PORT</c>, <c>REDIS_DB</c>, <c>REDIS_PASSWORD</c>)
/// names a Redis server (so do <see cref="BidLockOptions.RedisUrl"/>, <see cref="BidLockOptions.RedisHost"/> and
/// <see cref="BidLockOptions.RedisConnectionName"/>): it must be usable at start, unless the application opted in to
/// the fallback (<c>BIDLOCKS_ALLOW_SQLITE_FALLBACK</c>), which covers an unreachable server only.</para>
/// <para>4. The deployment environment: <see cref="BidLockOptions.EnvironmentName"/>, else the host's
/// (<c>IHostEnvironment</c>), else <c>DOTNET_ENVIRONMENT</c>, then <c>ASPNETCORE_ENVIRONMENT</c>, else Production, as
/// .NET's hosts default to. Only <c>Development</c> (as .NET's <c>IsDevelopment</c> compares it) gets SQLite without
/// Redis by default, at <c>BIDLOCKS_SQLITE_PATH</c> or one file in the system temp folder. Every other name, a typo of
/// Production, Staging or a region, is a deployment: without Redis it fails at start, saying what to set.</para>
/// <para>SQLite chosen explicitly outside Development (rule 1, or the fallback) must name its file: the temp folder can
/// be private to one service (systemd <c>PrivateTmp=</c>, a container's <c>/tmp</c>), which would give each service a
/// lock of its own.</para>
/// </remarks>
internal static class BackendRules
{
    public const string UseRedisVariable = "USE_REDIS_LOCKS";
    public const string AllowFallbackVariable = "BIDLOCKS_ALLOW_SQLITE_FALLBACK";
    public const string DotnetEnvironmentVariable = "DOTNET_ENVIRONMENT";
    public const string AspNetCoreEnvironmentVariable = "ASPNETCORE_ENVIRONMENT";
    public const string Development = "Development";
    public const string HostEnvironmentSource = "the host's environment (IHostEnvironment.EnvironmentName)";

    // .NET's hosts say Production when no environment is set; a container deployed without one must not get a lock that
    // holds on one host only while its own log says Production.
    private const string UnsetEnvironment =
        "no environment is set (DOTNET_ENVIRONMENT, ASPNETCORE_ENVIRONMENT), which .NET treats as Production, and Production";

    private const string HowToNameRedis =
        "set REDIS_URL (redis://[user:password@]host[:port][/db], rediss:// for TLS, redis+sentinel://host[:port][,host[:port]…]/service[/db] for Sentinel, "
        + "or a StackExchange.Redis configuration string host:port,password=…) or REDIS_HOST (with REDIS_PORT, REDIS_DB, REDIS_PASSWORD), "
        + "or BidLocks:RedisUrl / BidLocks:RedisHost / BidLocks:RedisConnectionName in configuration";

    private const string HowToChooseSqlite =
        "SQLite without Redis is for Development only, or by explicit choice: USE_REDIS_LOCKS=false (BidLocks:UseRedis) with the file every process of this host shares in BIDLOCKS_SQLITE_PATH (BidLocks:SqlitePath)";

    /// <summary>Decides the backend without any I/O.</summary>
    /// <param name="options">The options; a property that is set wins over its environment variable.</param>
    /// <param name="environment">Reads an environment variable.</param>
    /// <param name="hostEnvironmentName">The host's environment, when there is a host: it wins over the variables.</param>
    /// <param name="namedConnection">The connection <see cref="BidLockOptions.RedisConnectionName"/> names, if any.</param>
    /// <exception cref="InvalidOperationException">The settings cannot be met (no Redis outside Development, Redis forced but not named).</exception>
    /// <exception cref="FormatException">A setting is malformed; the message never shows a password.</exception>
    public static BackendPlan Decide(BidLockOptions options, Func<string, string?> environment, string? hostEnvironmentName = null, RedisConnectionSettings? namedConnection = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        var (environmentName, environmentSource) = EnvironmentName(options, environment, hostEnvironmentName);
        // As IHostEnvironment.IsDevelopment() compares it: any other name, however close, is not Development.
        var development = string.Equals(environmentName, Development, StringComparison.OrdinalIgnoreCase);
        var (useRedis, useRedisSource) = Flag(options.UseRedis, options.SourceOf(nameof(BidLockOptions.UseRedis)), UseRedisVariable, environment);
        var where = environmentName is null ? UnsetEnvironment : $"{environmentSource}={environmentName}";
        var environmentText = environmentName is null ? "Production (none set)" : $"{environmentSource}={environmentName}";
        // Someone who set nothing is most likely on a developer's machine: say how to get SQLite there.
        var unsetAdvice = environmentName is null ? $" On a developer's machine set {DotnetEnvironmentVariable}=Development instead, for SQLite." : string.Empty;
        BackendPlan Plan(BackendKind kind, string reason, RedisConnectionSettings? redis, string? path, string? fallbackSource = null)
            => new(kind, reason, redis, path, environmentName, environmentText, fallbackSource);

        if (useRedis == false)
        {
            var path = SqlitePath(options, environment, development)
                ?? throw new InvalidOperationException(
                    $"BidLocks cannot start: {useRedisSource}=false rules Redis out, so the lock is SQLite, but {where} is not Development and no SQLite file is named. "
                    + $"Set {SqliteDatabasePath.EnvironmentVariable} (or BidLocks:SqlitePath) to the file every process of this host shares: the default in the temp folder "
                    + "can be private to one service (PrivateTmp, a container's /tmp), which would give each service a lock of its own.");
            return Plan(BackendKind.Sqlite, $"{useRedisSource}=false rules Redis out; SQLite at {path}", null, path);
        }

        var redis = RedisConnectionSettings.Resolve(options, environment, namedConnection);
        if (useRedis == true)
        {
            return redis is null
                ? throw new InvalidOperationException($"BidLocks cannot start: {useRedisSource}=true forces Redis, but no Redis server is named: {HowToNameRedis}.")
                : Plan(BackendKind.RedisRequired, $"{useRedisSource}=true forces Redis at {redis} (from {redis.Source})", redis, null);
        }

        if (redis is not null)
        {
            var reason = development ? $"{redis.Source} names Redis at {redis}" : $"{where} requires Redis; {redis.Source} names {redis}";
            var (allowFallback, fallbackSource) = Flag(options.AllowSqliteFallback, options.SourceOf(nameof(BidLockOptions.AllowSqliteFallback)), AllowFallbackVariable, environment);
            if (allowFallback != true)
            {
                return Plan(BackendKind.RedisRequired, reason, redis, null);
            }

            var fallbackPath = SqlitePath(options, environment, development)
                ?? throw new InvalidOperationException(
                    $"BidLocks cannot start: {fallbackSource}=true allows a fallback to SQLite if Redis is unreachable, but {where} is not Development and no SQLite file is named. "
                    + $"Set {SqliteDatabasePath.EnvironmentVariable} (or BidLocks:SqlitePath) to the file every process of this host shares, or drop the fallback.");
            return Plan(BackendKind.RedisOrSqlite, $"{reason} ({fallbackSource}=true: SQLite at {fallbackPath} if Redis does not answer at start)", redis, fallbackPath, fallbackSource);
        }

        if (!development)
        {
            throw new InvalidOperationException($"BidLocks cannot start: {where} requires Redis, and none is named: {HowToNameRedis}. {HowToChooseSqlite}.{unsetAdvice}");
        }

        var defaultPath = SqlitePath(options, environment, development)!;
        return Plan(BackendKind.Sqlite, $"no Redis is named and {where}; SQLite at {defaultPath}", null, defaultPath);
    }

    // The file named by the options or BIDLOCKS_SQLITE_PATH; the shared default in the temp folder only in Development.
    private static string? SqlitePath(BidLockOptions options, Func<string, string?> environment, bool development)
        => SqliteDatabasePath.ResolveNamed(options, environment) ?? (development ? SqliteDatabasePath.Default : null);

    private static (string? Name, string Source) EnvironmentName(BidLockOptions options, Func<string, string?> environment, string? hostEnvironmentName)
    {
        if (!string.IsNullOrWhiteSpace(options.EnvironmentName))
        {
            return (options.EnvironmentName.Trim(), options.SourceOf(nameof(BidLockOptions.EnvironmentName)));
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

    /// <summary>A yes/no setting: the option when set, else its environment variable, else null.</summary>
    /// <exception cref="FormatException">The variable is neither true nor false.</exception>
    internal static (bool? Value, string Source) Flag(bool? configured, string optionName, string variable, Func<string, string?> environment)
    {
        if (configured is { } value)
        {
            return (value, optionName);
        }

        var text = environment(variable)?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return (null, variable);
        }

        return text.ToLowerInvariant() switch
        {
            "true" or "1" or "yes" or "on" => (true, variable),
            "false" or "0" or "no" or "off" => (false, variable),
            _ => throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"{variable} must be true or false; got '{text}'.")),
        };
    }
}
