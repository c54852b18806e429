namespace BidLocks;

/// <summary>The lock was still held by someone else when the wait ran out. The protected body did not run.</summary>
public sealed class BidLockTimeoutException : TimeoutException
{
    /// <summary>Creates the exception for one lock.</summary>
    public BidLockTimeoutException(string marketplaceId, string postingId, TimeSpan timeout)
        : base($"Timed out after {timeout.TotalSeconds:0.###} s waiting for the bid lock on marketplace '{marketplaceId}', posting '{postingId}'. The bid body did not run.")
    {
        MarketplaceId = marketplaceId;
        PostingId = postingId;
        Timeout = timeout;
    }

    /// <summary>The marketplace whose lock was wanted.</summary>
    public string MarketplaceId { get; }

    /// <summary>The posting whose lock was wanted.</summary>
    public string PostingId { get; }

    /// <summary>How long the caller waited.</summary>
    public TimeSpan Timeout { get; }
}
