using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace BidLocks;

/// <summary>
/// Reports the container's lock backend to ASP.NET Core health checks; <c>AddBidLocks</c> registers it as
/// <see cref="Name"/>. A backend that could not even be started reports unhealthy with the reason (a named Redis that
/// could not be had at start, unless the application opted in to the fallback); SQLite that runs because a named Redis
/// was unreachable at start and the application opted in reports Degraded with the reason (data <c>fellBackFrom</c> =
/// <c>redis</c>). The description and data never hold a password.
/// </summary>
public sealed class BidLockHealthCheck : IHealthCheck
{
    /// <summary>The name (and tag) the check is registered under.</summary>
    public const string Name = "bidlocks";

    private readonly Func<CancellationToken, Task<IBidLockManager>> _manager;

    /// <summary>Creates a check of <paramref name="manager"/>.</summary>
    public BidLockHealthCheck(IBidLockManager manager)
    {
        ArgumentNullException.ThrowIfNull(manager);
        _manager = _ => Task.FromResult(manager);
    }

    // The container's check: it asks for the manager only when it runs, so that a backend that failed to start shows
    // as unhealthy instead of breaking the health endpoint.
    internal BidLockHealthCheck(Func<CancellationToken, Task<IBidLockManager>> manager) => _manager = manager;

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var failureStatus = context.Registration?.FailureStatus ?? HealthStatus.Unhealthy;
        IBidLockManager manager;
        try
        {
            manager = await _manager(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(failureStatus, $"The lock backend did not start: {exception.Message}", exception);
        }

        var health = await manager.CheckHealthAsync(cancellationToken).ConfigureAwait(false);
        var data = new Dictionary<string, object> { ["backend"] = health.Backend };
        if (health.Latency is { } latency)
        {
            data["latencyMs"] = latency.TotalMilliseconds;
        }

        if (health.ServerVersion is { } version)
        {
            data["version"] = version;
        }

        // Where the locks live (no password in it): which server or file "unhealthy" is about.
        if (manager.BackendChoice is { } choice)
        {
            data["server"] = choice.Location;
        }

        // The description says why; this lets a dashboard filter on it.
        if (manager is SqliteBidLockManager { FallbackReason: not null })
        {
            data["fellBackFrom"] = "redis";
        }

        var status = health.Status switch
        {
            BidLockHealthStatus.Healthy => HealthStatus.Healthy,
            BidLockHealthStatus.Degraded => HealthStatus.Degraded,
            _ => failureStatus,
        };
        return new HealthCheckResult(status, health.Description, exception: null, data);
    }
}
