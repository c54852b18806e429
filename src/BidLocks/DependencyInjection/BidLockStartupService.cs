using Microsoft.Extensions.Hosting;

namespace BidLocks;

/// <summary>
/// Creates the container's manager while the host starts, so that a backend that cannot be had (Production without
/// Redis, Redis forced but down, an unusable SQLite file) stops the host at start rather than failing the first bid.
/// </summary>
internal sealed class BidLockStartupService(BidLockManagerHolder holder) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => holder.GetAsync(cancellationToken);

    // The container disposes the manager, after every service that may still be using it has stopped.
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
