using System.Globalization;

namespace BidLocks;

/// <summary>
/// The lock was lost while the bid body ran (expired, taken, force-released, the backend lost, or the hold capped), so
/// the body may have been stopped part-way or finished without the lock: the bid's outcome is unknown. Check the
/// protected resource (it refuses the fencing token once a newer holder has written) before placing the bid again.
/// The generated <c>[BidLock]</c> wrapper throws it instead of the body's <see cref="OperationCanceledException"/>
/// (then its <see cref="Exception.InnerException"/>) or result.
/// </summary>
public sealed class BidLockLostException : Exception
{
    /// <summary>Creates the exception for one lost lease.</summary>
    public BidLockLostException(string marketplaceId, string postingId, long fencingToken, BidLockLossReason reason, string? forcedBy = null, DateTimeOffset? forcedAt = null, Exception? innerException = null)
        : base(Describe(marketplaceId, postingId, fencingToken, reason, forcedBy, forcedAt), innerException)
    {
        MarketplaceId = marketplaceId;
        PostingId = postingId;
        FencingToken = fencingToken;
        Reason = reason;
        ForcedBy = forcedBy;
        ForcedAt = forcedAt;
    }

    /// <summary>The marketplace of the lost lock.</summary>
    public string MarketplaceId { get; }

    /// <summary>The posting of the lost lock (for a multi-posting lease, the posting that was lost).</summary>
    public string PostingId { get; }

    /// <summary>The lost lease's fencing token (0 when the body did not take one).</summary>
    public long FencingToken { get; }

    /// <summary>Why the lease was lost.</summary>
    public BidLockLossReason Reason { get; }

    /// <summary>For <see cref="BidLockLossReason.ForceReleased"/>: who broke the lock and why, as they gave it.</summary>
    public string? ForcedBy { get; }

    /// <summary>For <see cref="BidLockLossReason.ForceReleased"/>: when the lock was broken (the operator's clock).</summary>
    public DateTimeOffset? ForcedAt { get; }

    private static string Describe(string marketplaceId, string postingId, long fencingToken, BidLockLossReason reason, string? forcedBy, DateTimeOffset? forcedAt)
    {
        var why = reason switch
        {
            BidLockLossReason.Expired => "its lease expired before a renewal reached the backend",
            BidLockLossReason.Taken => "the backend no longer had it (another holder took it)",
            BidLockLossReason.ForceReleased => string.Create(CultureInfo.InvariantCulture, $"it was force-released by {forcedBy ?? "an operator"}{(forcedAt is { } at ? $" at {at:O}" : string.Empty)}"),
            BidLockLossReason.BackendLost => "the lock backend could not be reached until the lease expired",
            BidLockLossReason.HoldCapped => "the hold reached its cap (MaxHold)",
            _ => reason.ToString(),
        };
        return string.Create(CultureInfo.InvariantCulture, $"The bid lock on marketplace '{marketplaceId}', posting '{postingId}' (fence {fencingToken}) was lost while the bid ran: {why}. The bid's outcome is unknown: check it before placing it again.");
    }
}
