namespace BidLocks.Samples.Auction.Locking;

/// <summary>The lock manager BidLocks chose for this process, and why.</summary>
/// <param name="Manager">The manager; the caller disposes it.</param>
/// <param name="Reason">The factory's reason, from its start-up log line.</param>
/// <param name="Warning">The factory's warning, if it fell back from an unreachable Redis to SQLite.</param>
public sealed record LockBackend(IBidLockManager Manager, string Reason, string? Warning)
{
    /// <summary>
    /// Creates the manager exactly as an application would, with <see cref="BidLockManagerFactory.CreateAsync"/> and
    /// the environment, so that the demo shows the backend a user's service would get.
    /// </summary>
    /// <param name="instanceId">Names this process in holder ids (<c>bidder-2</c>), so a held lock says who holds it.</param>
    public static async Task<LockBackend> OpenAsync(string instanceId, CancellationToken cancellationToken)
    {
        // The factory says why it chose the backend only in its log; a logger that keeps those lines is the way to show
        // the reason in the summary without a second copy of the rules.
        var log = new FactoryLogCapture();
        var manager = await BidLockManagerFactory.CreateAsync(new BidLockOptions { InstanceId = instanceId, LoggerFactory = log }, cancellationToken).ConfigureAwait(false);
        return new LockBackend(manager, log.Reason ?? $"(BidLocks gave no reason; it chose {manager.Backend})", log.Warning);
    }
}
