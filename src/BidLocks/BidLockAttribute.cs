namespace BidLocks;

/// <summary>
/// Marks a partial bid method whose implementation the BidLocks source generator writes: it takes the
/// distributed lock on (marketplace, posting) before calling <c>{Name}Core</c> and releases it after, on every path.
/// </summary>
/// <remarks>
/// Each argument is a template: <c>{name}</c> is a parameter, <c>{name.Member.Path}</c> a member path, any other
/// text is literal, and <c>{{</c>/<c>}}</c> are braces. Values are formatted with the invariant culture.
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class BidLockAttribute : Attribute
{
    /// <summary>Creates the attribute from the marketplace and posting templates.</summary>
    public BidLockAttribute(string marketplaceId, string postingId)
    {
        MarketplaceId = marketplaceId;
        PostingId = postingId;
    }

    /// <summary>The marketplace id template, for example <c>"{marketplaceId}"</c>.</summary>
    public string MarketplaceId { get; }

    /// <summary>The posting id template, for example <c>"{posting.Id}"</c>.</summary>
    public string PostingId { get; }

    /// <summary>
    /// How long to wait for the lock before <see cref="BidLockTimeoutException"/>. Unset, the manager's
    /// <see cref="BidLockOptions.DefaultTimeout"/> applies (10 s unless configured): the generator passes only what is set.
    /// </summary>
    public double TimeoutSeconds { get; set; } = BidLockDefaults.TimeoutSeconds;

    /// <summary>
    /// Lease time to live, renewed while the body runs. Unset, the manager's <see cref="BidLockOptions.DefaultTtl"/>
    /// applies (30 s unless configured).
    /// </summary>
    public double TtlSeconds { get; set; } = BidLockDefaults.TtlSeconds;

    /// <summary>
    /// Hard cap on how long one call may hold the lock, renewals included. Unset, the manager's
    /// <see cref="BidLockOptions.MaxHold"/> applies (300 s unless configured).
    /// </summary>
    public double MaxHoldSeconds { get; set; } = BidLockDefaults.MaxHoldSeconds;
}
