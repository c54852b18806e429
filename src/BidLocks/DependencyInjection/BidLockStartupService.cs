using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BidLocks;

/// <summary>
/// Creates the container's manager while the host starts, so that a backend that cannot be had (Production without
/// Redis, Redis forced but down, an unusable SQLite file) stops the host at start rather than failing the first bid.
/// </summary>
internal sealed partial class BidLockStartupService(BidLockManagerHolder holder, ILoggerFactory? loggerFactory = null) : IHostedService
{
    private readonly ILogger _logger = loggerFactory?.CreateLogger(BidLockTelemetry.LoggerCategory) ?? NullLogger.Instance;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await holder.GetAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (BidLockUnavailableException exception)
        {
            // The host logs a failed start with its exception and host.Run() prints it once more: a stack trace of some
            // thirty frames twice, around a message that already says what failed and what to do. The trace is for
            // whoever debugs BidLocks itself.
            StartFailed(_logger, exception);
            exception.StoppedStart = true;
            throw;
        }
    }

    // The container disposes the manager, after every service that may still be using it has stopped.
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(401, LogLevel.Debug, "BidLocks could not start its lock backend")]
    private static partial void StartFailed(ILogger logger, Exception exception);
}
