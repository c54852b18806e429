namespace BidLocks;

// What the factory chose, kept on the manager it made.
public abstract partial class BidLockManagerBase
{
    /// <summary>
    /// Which backend the factory chose and why, when <see cref="BidLockManagerFactory"/> or <c>AddBidLocks</c> made this
    /// manager; null for a manager constructed directly.
    /// </summary>
    public BidLockBackendChoice? BackendChoice { get; internal set; }
}
