using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BidLocks;

/// <summary>
/// Creates the lock manager that the options and the environment ask for (DESIGN §3; see <see cref="BackendRules"/>),
/// and holds the process-wide one. The backend is chosen once, at start: a backend that fails later fails its calls
/// closed and is never swapped for another, because a silent switch is how two instances come to bid at once.
/// </summary>
public static class BidLockManagerFactory
{
    /// <summary>
    /// Creates a new manager for <paramref name="options"/> (default: from the environment): Redis when it is forced or
    /// named and answers, SQLite otherwise (outside Production). Logs the backend and the reason once.
    /// </summary>
    /// <exception cref="ArgumentException">An option is invalid (named in the exception).</exception>
    /// <exception cref="InvalidOperationException">The settings cannot be met, such as Production without Redis; the message says what to set.</exception>
    /// <exception cref="FormatException">A Redis setting is malformed (the message never shows the password).</exception>
    /// <exception cref="BidLockUnavailableException">Redis is required but unreachable, or the SQLite file cannot be used.</exception>
    public static ValueTask<IBidLockManager> CreateAsync(BidLockOptions? options = null, CancellationToken cancellationToken = default)
        => CreateAsync(options, Environment.GetEnvironmentVariable, cancellationToken);

    /// <summary>As the public overload, reading environment variables through <paramref name="environment"/>.</summary>
    internal static async ValueTask<IBidLockManager> CreateAsync(BidLockOptions? options, Func<string, string?> environment, CancellationToken cancellationToken)
        => (await StartAsync(options, environment, hostEnvironmentName: null, cancellationToken).ConfigureAwait(false)).Manager;

    /// <summary>
    /// Creates the manager, reading environment variables through <paramref name="environment"/> and taking the
    /// deployment environment from <paramref name="hostEnvironmentName"/> when a host gives one; says where it locks.
    /// </summary>
    internal static async ValueTask<StartedBackend> StartAsync(BidLockOptions? options, Func<string, string?> environment, string? hostEnvironmentName, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        options ??= new BidLockOptions();
        options.Validate();
        var plan = BackendRules.Decide(options, environment, hostEnvironmentName);
        var logger = options.LoggerFactory?.CreateLogger("BidLocks") ?? NullLogger.Instance;
        switch (plan.Kind)
        {
            case BackendKind.RedisRequired:
                IBidLockManager redis;
                try
                {
                    redis = await RedisBidLockManager.ConnectAsync(plan.Redis!, options, cancellationToken).ConfigureAwait(false);
                }
                catch (BidLockUnavailableException exception)
                {
                    throw new BidLockUnavailableException(exception.Backend, $"BidLocks cannot start: {plan.Reason}, but it is unreachable. {exception.Message}", exception);
                }

                FactoryLog.Chose(logger, redis.Backend, plan.Reason);
                return StartedBackend.Redis(redis, plan.Redis!, options);

            case BackendKind.RedisOrSqlite:
                try
                {
                    var reached = await RedisBidLockManager.ConnectAsync(plan.Redis!, options, cancellationToken).ConfigureAwait(false);
                    FactoryLog.Chose(logger, reached.Backend, plan.Reason);
                    return StartedBackend.Redis(reached, plan.Redis!, options);
                }
                catch (BidLockUnavailableException exception)
                {
                    FactoryLog.FellBack(logger, plan.Redis!.ToString(), plan.Redis.Source, plan.Environment ?? "none set", plan.SqlitePath!, exception.Message);
                    var fallback = await OpenSqliteAsync(plan, options, environment, cancellationToken).ConfigureAwait(false);
                    // Kept on the manager so that its health says Degraded, and why, for as long as it runs.
                    fallback.FallbackReason =
                        $"Redis at {plan.Redis} (from {plan.Redis.Source}) was unreachable at start, so this process locks with SQLite at {fallback.DatabasePath}: "
                        + $"only processes of this host exclude each other. Cause: {exception.Message}";
                    FactoryLog.Chose(logger, fallback.Backend, $"{plan.Reason}, which is unreachable, and outside Production that falls back to SQLite at {plan.SqlitePath}");
                    return StartedBackend.Sqlite(fallback, options);
                }

            default:
                var sqlite = await OpenSqliteAsync(plan, options, environment, cancellationToken).ConfigureAwait(false);
                FactoryLog.Chose(logger, sqlite.Backend, plan.Reason);
                return StartedBackend.Sqlite(sqlite, options);
        }
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

    private static async ValueTask<SqliteBidLockManager> OpenSqliteAsync(BackendPlan plan, BidLockOptions options, Func<string, string?> environment, CancellationToken cancellationToken)
        => await SqliteBidLockManager.OpenAsync(plan.SqlitePath, options, environment, cancellationToken).ConfigureAwait(false);
}
