using System.ComponentModel;

namespace BidLocks;

/// <summary>The lost side of a lease: the exception a generated wrapper throws when its body ends after the loss.</summary>
public sealed partial class BidLockLease
{
    /// <summary>How long the wrapper waits for the backend to say whether the lock was force-released, and by whom.</summary>
    private static readonly TimeSpan ForcedReleaseWait = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The <see cref="BidLockLostException"/> for this lost lease (<see cref="IsLost"/>), saying why, and who broke it
    /// when it was force-released. Generated code throws it when the body ends after the loss;
    /// <paramref name="bodyException"/> is the body's <see cref="OperationCanceledException"/>, if it ended so.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public async ValueTask<BidLockLostException> CreateLostExceptionAsync(Exception? bodyException)
    {
        var lost = LostRenewal();
        if (lost is null)
        {
            // Not lost after all (a set's member re-checked): say so as plainly as possible.
            return new BidLockLostException(MarketplaceId, PostingId, FencingToken, BidLockLossReason.Taken, innerException: bodyException);
        }

        ForcedReleaseNote? note = null;
        if (lost.ForcedRelease is { } lookup)
        {
            try
            {
                note = await lookup.WaitAsync(ForcedReleaseWait).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // The backend is slow to say who broke the lock: the loss is reported without it.
            }
        }

        return note is null
            ? new BidLockLostException(lost.Key.MarketplaceId, lost.Key.PostingId, lost.FencingToken, lost.LossReason, innerException: bodyException)
            : new BidLockLostException(lost.Key.MarketplaceId, lost.Key.PostingId, lost.FencingToken, BidLockLossReason.ForceReleased, note.RequestedBy, note.At, bodyException);
    }

    /// <summary>The renewal that was lost: this lease's, its outer lease's, or the first lost member's of a set.</summary>
    private LeaseRenewal? LostRenewal()
    {
        if (Members is { } set)
        {
            return set.Select(static member => member.LostRenewal()).FirstOrDefault(static renewal => renewal is not null);
        }

        return HoldingRenewal is { IsLost: true } renewal ? renewal : null;
    }
}
