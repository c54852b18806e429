namespace BidLocks;

/// <summary>
/// A lease taken again by the async flow that holds its lock: everything is the outer lease's, and releasing it leaves
/// the outer lease held (true while that still holds the lock).
/// </summary>
internal sealed class ReenteredHold(BidLockLease outer) : ILeaseHold
{
    public string MarketplaceId => outer.MarketplaceId;

    public string PostingId => outer.PostingId;

    public string HolderId => outer.HolderId;

    public long FencingToken => outer.FencingToken;

    public DateTimeOffset ExpiresAt => outer.ExpiresAt;

    // Fires with the outer lease's, so a task forked from the holder learns when the holder lets the lock go.
    public CancellationToken LostToken => outer.LostToken;

    public bool IsLost => outer.IsLost;

    public bool IsHeld => outer.IsHeld;

    public LeaseRenewal? HoldingRenewal => outer.HoldingRenewal;

    public ValueTask<bool> ReleaseAsync() => new(outer.IsHeld);
}
