namespace BidLocks;

/// <summary>The atomic side of a multi-posting lock: a store that can take a whole set of locks in one step.</summary>
internal partial interface ILockStore
{
    /// <summary>
    /// True when <see cref="TryAcquireSetAsync"/> takes a set whole; false (the default) makes the manager take the
    /// postings of a set one at a time, in lock order.
    /// </summary>
    bool TakesSetsWhole => false;

    /// <summary>
    /// Which keys one atomic step can take together: keys with the same group go to one step, and groups are taken one
    /// after the other in ascending order (the same order for every caller, so two sets cannot deadlock across groups).
    /// One group for a store that is one server; a Redis Cluster's hash slot there.
    /// </summary>
    int SetGroup(BidLockKey key) => 0;

    /// <summary>
    /// True when a set may look for its keys without waiting in line (<see cref="TryAcquireSetAsync"/> with
    /// <c>waitInLine</c> false) for its first looks: the backend then tells the manager of every release of a key the
    /// set found held, though the set stands in no queue. False (the default) makes every waiting set wait in line.
    /// </summary>
    bool SetsLookBeforeWaitingInLine => false;

    /// <summary>
    /// One atomic step over <paramref name="keys"/> (one <see cref="SetGroup"/>, in lock order): when every key is free,
    /// or reserved for <paramref name="holderId"/>, takes them all, each with its own fence; otherwise takes none.
    /// With <paramref name="waitInLine"/>, the holder then waits (in the backend's own queue, where it keeps one) for
    /// the first key in lock order it cannot have yet, keeping places and reservations only below that key, while the
    /// keys that are free stay free for others; asked again, the holder keeps its places. Without it, the holder takes
    /// no place and no reservation anywhere: the keys it could not have are only marked so that their release is
    /// announced (see <see cref="SetsLookBeforeWaitingInLine"/>). <see cref="AbandonAsync"/> of each key gives up what
    /// a set that ends without the lock left.
    /// </summary>
    ValueTask<SetAttempt> TryAcquireSetAsync(BidLockKey[] keys, string holderId, TimeSpan ttl, bool skipFencingToken, bool waitInLine, CancellationToken cancellationToken)
        => throw new NotSupportedException($"The {Backend} backend takes the postings of a set one at a time.");
}

/// <summary>What one try at a whole set found: every key taken (with its fence), or none.</summary>
internal readonly struct SetAttempt
{
    private SetAttempt(long[]? fencingTokens, LeaseExpiry expiry, TimeSpan? retryAfter, int busyIndex)
    {
        FencingTokens = fencingTokens;
        Expiry = expiry;
        RetryAfter = retryAfter;
        BusyIndex = busyIndex;
    }

    public bool Acquired => FencingTokens is not null;

    /// <summary>Each key's fence, in the order of the keys asked for (0 where none was asked for); null when busy.</summary>
    public long[]? FencingTokens { get; }

    /// <summary>When every hold of the set ends unless renewed.</summary>
    public LeaseExpiry Expiry { get; }

    /// <summary>When busy: how long until the first busy key may be free, if the backend knows.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>When busy: the index of the first key (in lock order) the set could not have, which a timeout names.</summary>
    public int BusyIndex { get; }

    public static SetAttempt Success(long[] fencingTokens, LeaseExpiry expiry) => new(fencingTokens, expiry, null, 0);

    public static SetAttempt Busy(TimeSpan? retryAfter, int busyIndex) => new(null, default, retryAfter, busyIndex);
}
