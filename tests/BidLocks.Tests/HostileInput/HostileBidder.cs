namespace BidLocks.Tests.HostileInput;

/// <summary>
/// A service with generated <c>[BidLock]</c> methods (the real generator writes them), to send hostile ids through
/// the code users actually run: ids from parameters, and from a member path.
/// </summary>
public sealed partial class HostileBidder(IBidLockManager locks)
{
    private int _bodies;

    public int Bodies => Volatile.Read(ref _bodies);

    /// <summary>Runs inside every body, with the lease the body received.</summary>
    public Func<BidLockLease, Task> Inside { get; set; } = _ => Task.CompletedTask;

    [BidLock("{marketplaceId}", "{postingId}", TimeoutSeconds = 10)]
    public partial Task BidAsync(string marketplaceId, string postingId, CancellationToken cancellationToken);

    [BidLock("{listing.Marketplace}", "{listing.Id}", TimeoutSeconds = 10)]
    public partial ValueTask<long> ListAsync(Listing listing, CancellationToken cancellationToken);

    private async Task BidAsyncCore(string marketplaceId, string postingId, CancellationToken cancellationToken, BidLockLease lease)
    {
        Interlocked.Increment(ref _bodies);
        await Inside(lease);
    }

    private async ValueTask<long> ListAsyncCore(Listing listing, CancellationToken cancellationToken, BidLockLease lease)
    {
        Interlocked.Increment(ref _bodies);
        await Inside(lease);
        return lease.FencingToken;
    }
}

/// <summary>A posting as a caller's model holds it.</summary>
public sealed record Listing(string Marketplace, string Id);
