namespace BidLocks;

/// <summary>
/// The defaults every backend shares: <see cref="BidLockOptions"/> starts from them, and a <c>[BidLock]</c> method gets
/// them through its manager's options for what its attribute does not name (never compiled into the method).
/// </summary>
public static class BidLockDefaults
{
    /// <summary>Default wait for a lock, in seconds.</summary>
    public const double TimeoutSeconds = 10;

    /// <summary>Default lease time to live, in seconds; renewed about every third of it while held.</summary>
    public const double TtlSeconds = 30;

    /// <summary>Default hard cap on one hold, in seconds: the original manager's five-minute TTL.</summary>
    public const double MaxHoldSeconds = 300;

    /// <summary>Default key prefix.</summary>
    public const string KeyPrefix = "bidlock:";

    /// <summary>Longest marketplace or posting id accepted, in UTF-16 code units.</summary>
    public const int MaxIdLength = 256;

    /// <summary>
    /// Most postings one multi-posting lock (<see cref="IBidLockManager.AcquireManyAsync"/>) may cover, after
    /// duplicates collapse. Each posting is one lock taken in turn, so a bigger set waits longer and holds more.
    /// </summary>
    public const int MaxPostingsPerLock = 64;

    /// <summary>Longest holder id accepted, in UTF-16 code units.</summary>
    public const int MaxHolderIdLength = 256;
}
