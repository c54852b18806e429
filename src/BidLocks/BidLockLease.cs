using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace BidLocks;

/// <summary>
/// A held bid lock. Dispose it (or call <see cref="ReleaseAsync"/>) to release the lock. While held, the manager
/// renews it about every third of its TTL, up to the hold cap; if the lock is lost (expired, taken, capped, or the
/// backend unreachable past the expiry), or once it is released, <see cref="LostToken"/> fires.
/// </summary>
/// <remarks>
/// A lease can be outlived: a paused process may still run after its lock expired. Pass
/// <see cref="FencingToken"/> to the protected resource and have it reject a token lower than one it has seen.
/// </remarks>
public sealed partial class BidLockLease : IAsyncDisposable
{
    // What the lease stands on: its own renewal (no other object on the hot path), an outer lease it re-entered, or a
    // set's postings. Every property below is the hold's, the ids included (a copy of them would cost every lease 24
    // bytes); the lease adds only its own release flag.
    private readonly ILeaseHold _hold;
    private int _released;

    internal BidLockLease(LeaseRenewal renewal)
    {
        _hold = renewal;
    }

    // A re-entrant lease: the same lock, taken again by the async flow that holds it. Releasing it leaves the
    // outer lease held.
    private BidLockLease(BidLockLease outer)
    {
        _hold = new ReenteredHold(outer);
    }

    /// <summary>The marketplace id the lock is on.</summary>
    public string MarketplaceId => _hold.MarketplaceId;

    /// <summary>
    /// The posting id the lock is on. For a multi-posting lease, the first of <see cref="PostingIds"/> (the first
    /// in lock order).
    /// </summary>
    public string PostingId => _hold.PostingId;

    /// <summary>Who holds the lock: <c>&lt;instance&gt;:&lt;random 128-bit&gt;</c>.</summary>
    public string HolderId => _hold.HolderId;

    /// <summary>
    /// Strictly increasing per lock, across holders, client restarts and backend restarts. Hand it to the resource
    /// the lock protects so it can refuse a write from a holder whose lease has since been lost. 0 when the acquire
    /// was asked to skip it (<see cref="BidLockAcquireOptions.SkipFencingToken"/>; a <c>[BidLock]</c> body that does
    /// not take the lease); a re-entrant acquire that wants one then takes it while the lock is still held.
    /// </summary>
    /// <remarks>For a multi-posting lease, the token of <see cref="PostingId"/>; see <see cref="FencingTokens"/> for each posting's.</remarks>
    public long FencingToken => _hold.FencingToken;

    /// <summary>When the lock expires unless renewed again; for a multi-posting lease, the earliest of its postings'.</summary>
    public DateTimeOffset ExpiresAt => _hold.ExpiresAt;

    /// <summary>
    /// Fires when the lock is no longer held: the lease was lost (expired, taken, or the backend unreachable until its
    /// expiry), capped, or released. A re-entrant lease's token fires with its outer lease's, so a task forked from
    /// the holder learns when the holder lets the lock go. A multi-posting lease's token fires when any of its
    /// postings' does. Stop work that needs the lock.
    /// </summary>
    public CancellationToken LostToken => _hold.LostToken;

    /// <summary>True once the lease has been lost (it may not have been released); for a multi-posting lease, once any posting's has.</summary>
    public bool IsLost => _hold.IsLost;

    /// <summary>
    /// True while neither released nor lost, and not past the last expiry the backend confirmed (a renewal still
    /// unanswered at the expiry no longer counts as a hold, even before <see cref="LostToken"/> fires).
    /// </summary>
    public bool IsHeld => Volatile.Read(ref _released) == 0 && _hold.IsHeld;

    /// <summary>The lease's own renewal; null for a re-entered lease or a set.</summary>
    internal LeaseRenewal? Renewal => _hold as LeaseRenewal;

    /// <summary>The renewal of the hold this lease stands on: its own, or, re-entered, its outer lease's; null for a set.</summary>
    internal LeaseRenewal? HoldingRenewal => _hold.HoldingRenewal;

    /// <summary>
    /// Releases the lock. True when this call released it; false when it was already released, expired or taken
    /// by someone else. Releasing a re-entrant lease leaves the outer lease held. A multi-posting lease releases
    /// every posting (the last in lock order first) and is true when each was released by this call.
    /// </summary>
    /// <exception cref="BidLockUnavailableException">The backend could not be reached; the lock expires by its TTL.</exception>
    public ValueTask<bool> ReleaseAsync()
    {
        // Handed straight to the hold: one async layer less on every release.
        return Interlocked.Exchange(ref _released, 1) != 0 ? new ValueTask<bool>(false) : _hold.ReleaseAsync();
    }

    /// <summary>Releases the lock; never throws for a backend failure (the lock then expires by its TTL).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask DisposeAsync()
    {
        if (Volatile.Read(ref _released) != 0)
        {
            return;
        }

        try
        {
            await ReleaseAsync().ConfigureAwait(false);
        }
        catch (BidLockUnavailableException)
        {
            // Already counted and logged by the manager. Throwing from a finally block would hide the body's own
            // exception; the lock expires by its TTL.
        }
    }

    /// <summary>
    /// The token for a bid body: fires when <paramref name="callerToken"/> fires or this lease is lost.
    /// Generated code calls this; dispose the result when the body returns.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public BidLockLinkedCancellation LinkCancellation(CancellationToken callerToken) => new(callerToken, LostToken);

    internal BidLockLease Reenter() => new(this);

    /// <inheritdoc />
    public override string ToString() => Members is { } set
        ? $"BidLockLease({MarketplaceId}, [{string.Join(", ", set.Select(static member => $"{member.PostingId}: fence {member.FencingToken}"))}], holder {HolderId})"
        : $"BidLockLease({MarketplaceId}, {PostingId}, fence {FencingToken}, holder {HolderId})";
}
