namespace BidLocks;

/// <summary>
/// A lost lease, explained: when the backend no longer had the lock, the manager looks for the note a forced release
/// left for this holder, so that its log (and the <see cref="BidLockLostException"/> of a generated wrapper) says who
/// broke the lock and why rather than only that it is gone.
/// </summary>
public abstract partial class BidLockManagerBase
{
    /// <summary>How long the look-up for a forced release's note may take before the loss is logged without it.</summary>
    private static readonly TimeSpan NoteLookupLimit = TimeSpan.FromSeconds(5);

    private void LogLoss(LeaseRenewal lease, string reason)
    {
        if (lease.LossReason is BidLockLossReason.Taken or BidLockLossReason.Expired)
        {
            // Set before the lease's LostToken fires, so a body stopped by it finds the look-up under way. Off this
            // thread: a SQLite read blocks, and this runs in the renewal that noticed the loss.
            lease.ForcedRelease = Task.Run(() => ExplainLossAsync(lease, reason));
        }
        else
        {
            Log.LeaseLost(_logger, Backend, lease.Key.Value, lease.FencingToken, reason);
        }
    }

    private async Task<ForcedReleaseNote?> ExplainLossAsync(LeaseRenewal lease, string reason)
    {
        ForcedReleaseNote? note = null;
        try
        {
            using var limit = new CancellationTokenSource(NoteLookupLimit, _time);
            note = ForcedReleaseNote.Parse(await _store.ReadForcedReleaseAsync(lease.Key, lease.HolderId, limit.Token).ConfigureAwait(false));
        }
        catch (Exception exception)
        {
            // The backend that just said the lock is gone did not answer this: the loss is still logged, without who.
            Log.ForcedReleaseNoteUnread(_logger, Backend, lease.Key.Value, exception.Message);
        }

        if (note is null)
        {
            Log.LeaseLost(_logger, Backend, lease.Key.Value, lease.FencingToken, reason);
        }
        else
        {
            Log.LeaseForceReleased(_logger, Backend, lease.Key.Value, lease.FencingToken, note.RequestedBy, note.At);
        }

        return note;
    }
}
