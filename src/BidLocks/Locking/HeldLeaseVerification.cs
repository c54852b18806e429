namespace BidLocks;

/// <summary>
/// One round of verifying the leases a manager held when its backend's holds came into doubt (see
/// <see cref="ILockStore.OnHoldsInDoubt"/>): each is settled once a renewal sent after the doubt arose answers (it
/// still holds its lock, or it is marked lost) or once it is released. Until then a grant on the same key must wait:
/// the server gave that grant because it no longer knows the older hold, whose body may still believe it holds.
/// </summary>
internal sealed class HeldLeaseVerification
{
    private readonly HashSet<LeaseRenewal> _unsettled;
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public HeldLeaseVerification(List<LeaseRenewal> held)
    {
        _unsettled = [.. held];
        Count = held.Count;
        if (held.Count == 0)
        {
            _done.TrySetResult();
        }
    }

    /// <summary>How many leases were in doubt.</summary>
    public int Count { get; }

    /// <summary>Completes when every lease is settled, or when a newer round replaces this one.</summary>
    public Task Done => _done.Task;

    public bool IsDone => _done.Task.IsCompleted;

    /// <summary>The lease is no longer in doubt: renewed since the doubt arose, lost, or released.</summary>
    public void Settle(LeaseRenewal lease)
    {
        lock (_unsettled)
        {
            if (_unsettled.Remove(lease) && _unsettled.Count == 0)
            {
                _done.TrySetResult();
            }
        }
    }

    /// <summary>True while a lease on <paramref name="key"/> other than <paramref name="holderId"/>'s is still in doubt.</summary>
    public bool Doubts(string key, string holderId)
    {
        lock (_unsettled)
        {
            foreach (var lease in _unsettled)
            {
                if (lease.Key.Value == key && lease.HolderId != holderId)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>A newer round took over; whoever waited on this one looks at that one instead.</summary>
    public void Supersede() => _done.TrySetResult();
}
