namespace BidLocks;

/// <summary>
/// What <see cref="IBidLockManager.ForceReleaseAsync"/> broke: the hold that was taken away and the fence raised over it.
/// </summary>
/// <param name="MarketplaceId">The marketplace.</param>
/// <param name="PostingId">The posting.</param>
/// <param name="HolderId">The holder whose hold was broken; null when the lock was reserved for a waiter.</param>
/// <param name="PreviousFencingToken">The lock's fencing token before: the broken holder's, or lower.</param>
/// <param name="FencingToken">
/// The fence raised at the break. Every later holder gets a higher token, so a protected resource that refuses tokens
/// below the highest it has seen also refuses the broken holder's late writes once anyone newer has written; a
/// resource can be told this number to refuse them at once.
/// </param>
/// <param name="RequestedBy">Who asked for the break, as logged.</param>
public sealed record BidLockForcedRelease(string MarketplaceId, string PostingId, string? HolderId, long PreviousFencingToken, long FencingToken, string RequestedBy);
