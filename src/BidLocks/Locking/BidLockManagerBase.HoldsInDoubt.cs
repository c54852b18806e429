namespace BidLocks;

// When the backend's holds come into doubt (a Redis restart without persistence, a fail-over): every held lease is
// verified at once through its own renewal, so LostToken fires a reconnection and a round trip after the event rather
// than at the next renewal, and a grant of the same key made meanwhile waits until the older lease on it is settled.
public abstract partial class BidLockManagerBase
{
    // Null while no doubt is open: the grant path reads it once (one volatile read) and goes on.
    private HeldLeaseVerification? _verification;

    private void OnHoldsInDoubt(HoldsInDoubt inDoubt)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        var verification = new HeldLeaseVerification(_renewals.Held());
        Interlocked.Exchange(ref _verification, verification)?.Supersede();
        Log.HoldsInDoubt(_logger, Backend, inDoubt.ToString(), verification.Count);
        if (verification.IsDone)
        {
            EndVerification(verification);
        }
        else if (inDoubt == HoldsInDoubt.Reconnected)
        {
            // While disconnected nothing can answer; the renewals go out when the connection is back.
            // The round ends when its last lease is settled (SettleInDoubt), or when a newer doubt replaces it.
            _renewals.DueNow();
        }
    }

    private void EndVerification(HeldLeaseVerification verification) => Interlocked.CompareExchange(ref _verification, null, verification);

    /// <summary>A lease answered a renewal sent after the doubt arose, was lost, or was released.</summary>
    private void SettleInDoubt(HeldLeaseVerification? verification, LeaseRenewal lease)
    {
        if (verification is not null)
        {
            verification.Settle(lease);
            if (verification.IsDone)
            {
                EndVerification(verification);
            }
        }
    }

    /// <summary>
    /// A grant received while a doubt is open: handed out only once no older lease of this manager on the same key may
    /// still believe it holds the lock (its verification then finds the lock gone and marks it lost).
    /// </summary>
    private async Task AwaitSettledAsync(BidLockKey key, string holderId, CancellationToken cancellationToken)
    {
        while (Volatile.Read(ref _verification) is { } verification && verification.Doubts(key.Value, holderId))
        {
            await verification.Done.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
