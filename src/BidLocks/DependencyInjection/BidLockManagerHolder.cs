using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace BidLocks;

/// <summary>
/// The container's one manager: created once by <see cref="BidLockManagerFactory"/> from the bound options, the
/// container's logger factory, the host's environment (when there is a host), the container's Redis multiplexers and
/// connection strings (for <see cref="BidLockOptions.RedisConnectionName"/>) and the environment variables,
/// asynchronously when the host starts (see <see cref="BidLockStartupService"/>) or at first use otherwise; disposed
/// with the container, which releases every lease it still holds and closes its connections. While it lives it is
/// also the process's shared manager (<see cref="SharedManagerRegistry"/>), so that <c>[BidLock]</c> types without a
/// manager member lock with it too.
/// </summary>
internal sealed class BidLockManagerHolder(
    IOptions<BidLockOptions> options,
    BidLockEnvironment environment,
    IServiceProvider services,
    ILoggerFactory? loggerFactory = null,
    IHostEnvironment? hostEnvironment = null,
    BidLockConfigurationSection? configuration = null)
    : IAsyncDisposable, IDisposable
{
    private readonly object _gate = new();
    private Task<IBidLockManager>? _creation;
    private bool _disposed;

    /// <summary>The manager, creating it on first call. A failed start is tried again by the next call.</summary>
    public Task<IBidLockManager> GetAsync(CancellationToken cancellationToken)
    {
        Task<IBidLockManager> creation;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_creation is null || _creation.IsFaulted || _creation.IsCanceled)
            {
                // Not tied to the caller's token: a caller that gives up must not leave a half-made manager behind.
                _creation = CreateAsync();
            }

            creation = _creation;
        }

        return creation.WaitAsync(cancellationToken);
    }

    /// <summary>For the container's synchronous service factory.</summary>
    public IBidLockManager Get() => GetAsync(CancellationToken.None).GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        if (TakeForDisposal() is { } creation)
        {
            var manager = await creation.ConfigureAwait(false);
            SharedManagerRegistry.Detach(manager);
            await manager.DisposeAsync().ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        if (TakeForDisposal() is { } creation)
        {
            var manager = creation.GetAwaiter().GetResult();
            SharedManagerRegistry.Detach(manager);
            if (manager is IDisposable disposable)
            {
                disposable.Dispose();
            }
            else
            {
                manager.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }
    }

    private Task<IBidLockManager>? TakeForDisposal()
    {
        lock (_gate)
        {
            _disposed = true;
            var creation = _creation;
            _creation = null;
            // A manager that never started has nothing to release.
            return creation is { IsFaulted: false, IsCanceled: false } ? creation : null;
        }
    }

    private async Task<IBidLockManager> CreateAsync()
    {
        await Task.Yield();
        // A copy: the bound options stay as configured, and the container's logging is added only here.
        var settings = options.Value.Clone();
        settings.LoggerFactory ??= loggerFactory;
        var started = await BidLockManagerFactory.StartAsync(settings, environment.Lookup, HostContext(), CancellationToken.None).ConfigureAwait(false);
        try
        {
            SharedManagerRegistry.Attach(started);
        }
        catch
        {
            // Refused as the process's shared manager: this container does not start, and its manager is not left open.
            await started.Manager.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return started.Manager;
    }

    // Looked up only when BidLocks:RedisConnectionName asks: a container that has a multiplexer for other uses does not
    // lend it to the locks unless told to.
    private BidLockHostContext HostContext() => new(
        hostEnvironment?.EnvironmentName,
        name => (services as IKeyedServiceProvider)?.GetKeyedService<IConnectionMultiplexer>(name),
        () => services.GetService<IConnectionMultiplexer>(),
        name => (configuration?.Root ?? services.GetService<IConfiguration>())?.GetConnectionString(name),
        configuration is null ? [] : BidLockConfigurationCheck.UnknownKeys(configuration.Section));
}
