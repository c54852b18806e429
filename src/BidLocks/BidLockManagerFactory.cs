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
    private static readonly SemaphoreSlim SharedGate = new(1, 1);
    private static IBidLockManager? s_shared;

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
    {
        cancellationToken.ThrowIfCancellationRequested();
        options ??= new BidLockOptions();
        options.Validate();
        var plan = BackendRules.Decide(options, environment);
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
                return redis;

            case BackendKind.RedisOrSqlite:
                try
                {
                    var reached = await RedisBidLockManager.ConnectAsync(plan.Redis!, options, cancellationToken).ConfigureAwait(false);
                    FactoryLog.Chose(logger, reached.Backend, plan.Reason);
                    return reached;
                }
                catch (BidLockUnavailableException exception)
                {
                    FactoryLog.FellBack(logger, plan.Redis!.ToString(), plan.Redis.Source, plan.Environment ?? "none set", plan.SqlitePath!, exception.Message);
                    var fallback = await OpenSqliteAsync(plan, options, environment, cancellationToken).ConfigureAwait(false);
                    FactoryLog.Chose(logger, fallback.Backend, $"{plan.Reason}, which is unreachable, and outside Production that falls back to SQLite at {plan.SqlitePath}");
                    return fallback;
                }

            default:
                var sqlite = await OpenSqliteAsync(plan, options, environment, cancellationToken).ConfigureAwait(false);
                FactoryLog.Chose(logger, sqlite.Backend, plan.Reason);
                return sqlite;
        }
    }

    /// <summary>The process-wide manager, created on first use from the environment. Thread-safe.</summary>
    public static ValueTask<IBidLockManager> GetSharedAsync(CancellationToken cancellationToken = default)
    {
        var shared = Volatile.Read(ref s_shared);
        return shared is not null ? new ValueTask<IBidLockManager>(shared) : CreateSharedAsync(cancellationToken);
    }

    private static async ValueTask<IBidLockManager> OpenSqliteAsync(BackendPlan plan, BidLockOptions options, Func<string, string?> environment, CancellationToken cancellationToken)
        => await SqliteBidLockManager.OpenAsync(plan.SqlitePath, options, environment, cancellationToken).ConfigureAwait(false);

    private static async ValueTask<IBidLockManager> CreateSharedAsync(CancellationToken cancellationToken)
    {
        await SharedGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // A second caller that waited on the gate finds the first caller's manager.
            if (s_shared is { } existing)
            {
                return existing;
            }

            var created = await CreateAsync(null, cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref s_shared, created);
            return created;
        }
        finally
        {
            SharedGate.Release();
        }
    }
}
