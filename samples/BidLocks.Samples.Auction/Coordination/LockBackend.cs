namespace BidLocks.Samples.Auction.Coordination;

/// <summary>The lock manager BidLocks chose for this process, and why.</summary>
/// <param name="Manager">The manager; the caller disposes it.</param>
/// <param name="Reason">The factory's reason (<see cref="BidLockBackendChoice.Reason"/>).</param>
/// <param name="Warning">Why a named Redis was replaced by SQLite at start, if the environment opted in to that.</param>
public sealed record LockBackend(IBidLockManager Manager, string Reason, string? Warning)
{
    /// <summary>
    /// Creates the manager exactly as an application would, with <see cref="BidLockManagerFactory.CreateAsync"/> and
    /// the environment, so that the demo shows the backend a user's service would get, and the reason the factory gives.
    /// </summary>
    /// <param name="instanceId">Names this process in holder ids (<c>bidder-2</c>), so a held lock says who holds it.</param>
    public static async Task<LockBackend> OpenAsync(string instanceId, CancellationToken cancellationToken)
    {
        var manager = await BidLockManagerFactory.CreateAsync(new BidLockOptions { InstanceId = instanceId }, cancellationToken).ConfigureAwait(false);
        var choice = manager.BackendChoice;
        return new LockBackend(manager, choice?.Reason ?? $"(BidLocks gave no reason; it chose {manager.Backend})", choice?.FallbackReason);
    }
}
