namespace BidLocks;

/// <summary>
/// What a <see cref="BidLockLease"/> stands on, one of three: its own hold (<see cref="LeaseRenewal"/>, the hot path:
/// the lease adds no object of its own), an outer lease of the same flow that it re-entered (<see cref="ReenteredHold"/>),
/// or the leases of a set's postings (<see cref="SetHold"/>). The lease itself only adds its own release flag.
/// </summary>
internal interface ILeaseHold
{
    string MarketplaceId { get; }

    string PostingId { get; }

    string HolderId { get; }

    long FencingToken { get; }

    DateTimeOffset ExpiresAt { get; }

    CancellationToken LostToken { get; }

    bool IsLost { get; }

    bool IsHeld { get; }

    /// <summary>The renewal of the single hold this stands on (its own, or its outer lease's); null for a set.</summary>
    LeaseRenewal? HoldingRenewal { get; }

    /// <summary>Gives the hold up: true when this call released what the lease held.</summary>
    ValueTask<bool> ReleaseAsync();
}
