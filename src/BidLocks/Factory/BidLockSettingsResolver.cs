namespace BidLocks;

/// <summary>
/// The one place that turns options + configuration + environment variables + host environment into the settings a
/// manager starts with (<see cref="BidLockStartSettings"/>), once. Everything below it (the factory, the Redis and SQLite
/// managers) takes those settings as given and reads no environment variable: a test passes its own table, and a
/// setting cannot be patched after it was resolved.
/// </summary>
internal static class BidLockSettingsResolver
{
    public const string GarnetTransactionModeVariable = "BIDLOCKS_GARNET_LUA_TRANSACTION_MODE";

    /// <exception cref="ArgumentException">An option is invalid (named in the exception).</exception>
    /// <exception cref="InvalidOperationException">The settings cannot be met; the message says what to set.</exception>
    /// <exception cref="FormatException">A setting is malformed (the message never shows a password).</exception>
    public static BidLockStartSettings Resolve(BidLockOptions? options, Func<string, string?> environment, BidLockHostContext? host = null)
    {
        ArgumentNullException.ThrowIfNull(environment);
        // A copy: the caller's object may change later, the manager's settings must not.
        var settings = (options ?? new BidLockOptions()).Clone();
        settings.Validate();
        var plan = BackendRules.Decide(settings, environment, host?.EnvironmentName, NamedConnection(settings, host));
        var redis = plan.Redis is { } connection ? ForRedis(connection, settings, environment) : null;
        return new BidLockStartSettings(settings, plan, redis, host?.ConfigurationWarnings ?? []);
    }

    /// <summary>For <see cref="RedisBidLockManager.ConnectAsync(BidLockOptions?, CancellationToken)"/>: the Redis the options or variables name, or null.</summary>
    public static RedisStartSettings? ForRedis(BidLockOptions options, Func<string, string?> environment)
        => RedisConnectionSettings.Resolve(options, environment) is { } connection ? ForRedis(connection, options, environment) : null;

    private static RedisStartSettings ForRedis(RedisConnectionSettings connection, BidLockOptions options, Func<string, string?> environment)
    {
        var replication = RedisReplicationSettings.Resolve(options, environment);
        // WAIT answers only after its own timeout when replicas lag: the client must not give up on it first.
        var commandTimeout = replication.MinReplicas > 0
            ? replication.Timeout + RedisConnectionSettings.DefaultCommandTimeout
            : RedisConnectionSettings.DefaultCommandTimeout;
        var garnetConfirmed = options.GarnetLuaTransactionMode
            ?? string.Equals(environment(GarnetTransactionModeVariable)?.Trim(), "true", StringComparison.OrdinalIgnoreCase);
        return new RedisStartSettings(connection.WithTransport(options.RedisConnectTimeout, options.RedisTlsCaPath, commandTimeout), replication, garnetConfirmed);
    }

    // BidLocks:RedisConnectionName: the container's multiplexer under that key, else its unkeyed one, else the
    // configuration's connection string. A URL or host set in the options wins, so it is not even looked up then.
    private static RedisConnectionSettings? NamedConnection(BidLockOptions options, BidLockHostContext? host)
    {
        if (options.RedisConnectionName is not { } name || !string.IsNullOrWhiteSpace(options.RedisUrl) || !string.IsNullOrWhiteSpace(options.RedisHost))
        {
            return null;
        }

        name = name.Trim();
        if (host is null)
        {
            throw new InvalidOperationException(
                $"BidLocks cannot start: BidLockOptions.RedisConnectionName is '{name}', but only AddBidLocks has a container and a configuration to find that connection in. "
                + "Outside a container, set RedisUrl (a redis:// URL or a StackExchange.Redis configuration string).");
        }

        if (host.KeyedConnection(name) is { } keyed)
        {
            return RedisConnectionSettings.ForExistingConnection(keyed, $"the container's IConnectionMultiplexer keyed '{name}'");
        }

        if (host.Connection() is { } unkeyed)
        {
            return RedisConnectionSettings.ForExistingConnection(unkeyed, $"the container's IConnectionMultiplexer (BidLocks:RedisConnectionName={name})");
        }

        return host.ConnectionString(name) is { } text && !string.IsNullOrWhiteSpace(text)
            ? RedisConnectionSettings.ParseUrl(text, $"ConnectionStrings:{name}")
            : throw new InvalidOperationException(
                $"BidLocks cannot start: BidLocks:RedisConnectionName is '{name}', but the container has no IConnectionMultiplexer (keyed '{name}' or unkeyed) "
                + $"and the configuration has no ConnectionStrings:{name}.");
    }
}
