namespace BidLocks.Benchmarks;

/// <summary>Which posting each uncontended cycle locks.</summary>
internal enum KeyPattern
{
    /// <summary>Each worker locks its own posting again and again: every per-key cache hits.</summary>
    Fixed,

    /// <summary>
    /// Every cycle locks a posting never locked before, as a bidding service does: every per-key cache
    /// misses, and each contender builds its key names from the posting as its users would.
    /// </summary>
    Distinct,
}
