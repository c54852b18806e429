namespace BidLocks;

/// <summary>When a lease takes its fencing token (<see cref="BidLockAcquireOptions"/>).</summary>
internal enum LeaseFence
{
    /// <summary>In the step that grants the lock.</summary>
    AtGrant,

    /// <summary>When <see cref="BidLockLease.FencingToken"/> is first read (<see cref="ILockStore.TakesFenceWhenRead"/>).</summary>
    OnFirstRead,

    /// <summary>Never: nobody reads it (<see cref="BidLockAcquireOptions.SkipFencingToken"/>).</summary>
    Skip,
}
