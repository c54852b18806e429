using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BidLocks;

/// <summary>
/// Creates the lock manager that the options and the environment ask for (see <see cref="BackendRules"/> and
/// <see cref="BidLockSettingsResolver"/>),
/// and holds the process-wide one. The backend is chosen once, at start: a backend that fails later fails its calls
/// closed and is never swapped for another, because a silent switch is how two instances come to bid at once.
/// </summary>
public static class BidLockManagerFactory
{
    /// <summary>
    /// Creates a new manager for <paramref name="options"/> (default: from the environment): Redis when it is forced or
    /// named, SQLite in Development or by explicit choice. Logs the backend and the reason once, and keeps
    /// them on the manager (<see cref="IBidLockManager.BackendChoice"/>).
    /// </summary>
    /// <exception cref="ArgumentException">An option is invalid (named in the exception).</exception>
    /// <exception cref="InvalidOperationException">The settings cannot be met, such as no Redis outside Development; the message says what to set.</exception>
    /// <exception cref="FormatException">A Redis setting is malformed (the message never shows the password).</exception>
    /// <exception cref="BidLockUnavailableException">
    /// A named Redis cannot be used at start (unreachable without the opt-in fallback, a wrong login, an unknown host, an
    /// untrusted certificate, a server BidLocks refuses), or the SQLite file cannot be used.
    /// </exception>
    public static ValueTask<IBidLockManager> CreateAsync(BidLockOptions? options = null, CancellationToken cancellationToken = default)
        => CreateAsync(options, Environment.GetEnvironmentVariable, cancellationToken);

    /// <summary>As the public overload, reading environment variables through <paramref name="environment"/>.</summary>
    internal static async ValueTask<IBidLockManager> CreateAsync(BidLockOptions? options, Func<string, string?> environment, CancellationToken cancellationToken)
        => (await StartAsync(options, environment, host: null, cancellationToken).ConfigureAwait(false)).Manager;

    /// <summary>Resolves the settings (see <see cref="BidLockSettingsResolver"/>), then starts the manager they ask for.</summary>
    internal static ValueTask<StartedBackend> StartAsync(BidLockOptions? options, Func<string, string?> environment, BidLockHostContext? host, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return StartAsync(BidLockSettingsResolver.Resolve(options, environment, host), cancellationToken);
    }

    /// <summary>Starts the manager the resolved settings ask for, and says where it locks; reads no environment variable.</summary>
    internal static async ValueTask<StartedBackend> StartAsync(BidLockStartSettings settings, CancellationToken cancellationToken)
    {
        var (options, plan, redis, warnings) = settings;
        var logger = options.LoggerFactory?.CreateLogger(BidLockTelemetry.LoggerCategory) ?? NullLogger.Instance;
        foreach (var warning in warnings)
        {
            FactoryLog.IgnoredSetting(logger, warning);
        }

        if (plan.Kind == BackendKind.Sqlite)
        {
            return Chosen(await OpenSqliteAsync(plan.SqlitePath!, options, cancellationToken).ConfigureAwait(false), plan, options, logger);
        }

        try
        {
            var reached = await RedisBidLockManager.ConnectAsync(redis!, options, cancellationToken).ConfigureAwait(false);
            return Chosen(reached, plan, options, logger);
        }
        catch (BidLockUnavailableException exception) when (plan.Kind == BackendKind.RedisOrSqlite && exception.StartFailure == RedisStartFailure.Unreachable)
        {
            return await FallBackAsync(plan, options, logger, exception, cancellationToken).ConfigureAwait(false);
        }
        catch (BidLockUnavailableException exception)
        {
            throw new BidLockUnavailableException(exception.Backend, $"BidLocks cannot start: {plan.Reason}, but {Verdict(exception.StartFailure)} {exception.Message}", exception)
            {
                StartFailure = exception.StartFailure,
            };
        }
    }

    // What went wrong, in the words a reader acts on: only "unreachable" is worth waiting out, and only it may fall back.
    private static string Verdict(RedisStartFailure failure) => failure switch
    {
        RedisStartFailure.Refused => "BidLocks refuses the server (this is never a reason to fall back).",
        RedisStartFailure.Misconfigured => "the Redis settings are wrong (a configuration error, never a reason to fall back).",
        _ => $"it is unreachable. To run on SQLite instead while it is, opt in with {BackendRules.AllowFallbackVariable}=true (BidLocks:AllowSqliteFallback); the locks then hold on this host only.",
    };

    private static async ValueTask<StartedBackend> FallBackAsync(BackendPlan plan, BidLockOptions options, ILogger logger, BidLockUnavailableException exception, CancellationToken cancellationToken)
    {
        var redis = plan.Redis!;
        FactoryLog.FellBack(logger, redis.ToString(), redis.Source, plan.FallbackSource!, plan.SqlitePath!, exception.Message);
        var fallback = await OpenSqliteAsync(plan.SqlitePath!, options, cancellationToken).ConfigureAwait(false);
        // Kept on the manager so that its health says Degraded, and why, for as long as it runs.
        fallback.FallbackReason =
            $"Redis at {redis} (from {redis.Source}) was unreachable at start, and {plan.FallbackSource}=true let this process lock with SQLite at {fallback.DatabasePath} instead: "
            + $"only processes of this host exclude each other. Cause: {exception.Message}";
        var reason = $"{plan.Reason}; it was unreachable, so SQLite at {fallback.DatabasePath}";
        return Chosen(fallback, plan with { Reason = reason }, options, logger, fallback.FallbackReason);
    }

    private static StartedBackend Chosen(BidLockManagerBase manager, BackendPlan plan, BidLockOptions options, ILogger logger, string? fallbackReason = null)
    {
        var started = manager is SqliteBidLockManager sqlite
            ? StartedBackend.Sqlite(sqlite, options)
            : StartedBackend.Redis(manager, plan.Redis!, options);
        var location = manager is SqliteBidLockManager file ? file.DatabasePath : plan.Redis!.ToString();
        manager.BackendChoice = new BidLockBackendChoice(manager.Backend, plan.Reason, plan.EnvironmentSource, location, fallbackReason);
        FactoryLog.Chose(logger, manager.Backend, plan.Reason);
        return started;
    }

    /// <summary>
    /// The process-wide manager, which <c>[BidLock]</c> types without an <see cref="IBidLockManager"/> member lock with.
    /// Where <c>AddBidLocks</c> has started a container's manager (at host start, or at first use without a host), it is
    /// that manager; otherwise one created on first use from the environment variables. Thread-safe.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// Several containers in this process lock in different places, so there is no one manager to give.
    /// </exception>
    public static ValueTask<IBidLockManager> GetSharedAsync(CancellationToken cancellationToken = default)
        => SharedManagerRegistry.GetAsync(cancellationToken);

    // The path is already resolved: the SQLite manager has nothing left to read from the environment.
    private static async ValueTask<SqliteBidLockManager> OpenSqliteAsync(string path, BidLockOptions options, CancellationToken cancellationToken)
        => await SqliteBidLockManager.OpenAsync(path, options, static _ => null, cancellationToken).ConfigureAwait(false);
}
