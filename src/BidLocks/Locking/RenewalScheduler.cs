namespace BidLocks;

/// <summary>
/// Every lease a manager holds, and the one timer that renews each when it is due. A timer per lease cost more to
/// make and dispose than the rest of an uncontended acquire, although most leases are released long before their
/// first renewal (a third of the TTL). The timer is set for the earliest due lease; adding a lease that is due later
/// does not touch it, so an uncontended acquire and release only link and unlink a list node.
/// </summary>
/// <remarks>All scheduling state of a lease (its links, due time, in-flight flag) is guarded by this object's lock.</remarks>
internal sealed class RenewalScheduler : IDisposable
{
    private static readonly TimeSpan Idle = TimeSpan.MaxValue;
    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private readonly ITimer _timer;

    // Leases whose renewal was in flight when DueNow asked for all: due again as soon as that renewal ends, since it
    // may have been answered by the server as it was before.
    private readonly HashSet<LeaseRenewal> _dueAgainNow = [];
    private LeaseRenewal? _first;
    private TimeSpan _wakeAt = Idle;
    private bool _closed;

    public RenewalScheduler(TimeProvider time)
    {
        _time = time;
        _timer = time.CreateTimer(static state => ((RenewalScheduler)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// Holds <paramref name="lease"/> and renews it from <paramref name="dueAt"/> (monotonic) on; false once the
    /// manager is being disposed (<see cref="Close"/>), when nobody would renew it.
    /// </summary>
    public bool Add(LeaseRenewal lease, TimeSpan dueAt)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return false;
            }

            lease.Next = _first;
            if (_first is not null)
            {
                _first.Previous = lease;
            }

            _first = lease;
            lease.IsScheduled = true;
            lease.DueAt = dueAt;
            WakeBy(dueAt);
            return true;
        }
    }

    /// <summary>After a renewal: the lease is due again at <paramref name="dueAt"/>, unless it was removed meanwhile.</summary>
    public void Reschedule(LeaseRenewal lease, TimeSpan dueAt)
    {
        lock (_gate)
        {
            lease.IsRenewing = false;
            if (_dueAgainNow.Count != 0 && _dueAgainNow.Remove(lease))
            {
                dueAt = LeaseClock.MonotonicNow(_time);
            }

            if (lease.IsScheduled)
            {
                lease.DueAt = dueAt;
                WakeBy(dueAt);
            }
        }
    }

    /// <summary>The lease is released or lost: no more renewals, and no longer held by the manager.</summary>
    public void Remove(LeaseRenewal lease)
    {
        lock (_gate)
        {
            if (!lease.IsScheduled)
            {
                return;
            }

            if (lease.Previous is null)
            {
                _first = lease.Next;
            }
            else
            {
                lease.Previous.Next = lease.Next;
            }

            if (lease.Next is not null)
            {
                lease.Next.Previous = lease.Previous;
            }

            lease.Previous = lease.Next = null;
            lease.IsScheduled = false;
            if (_dueAgainNow.Count != 0)
            {
                _dueAgainNow.Remove(lease);
            }
        }
    }

    /// <summary>
    /// Every held lease is due now: the backend may have lost them all (it restarted empty, or failed over), and each
    /// one's own renewal finds out whether it still holds its lock, or marks it lost.
    /// </summary>
    public void DueNow()
    {
        lock (_gate)
        {
            var now = LeaseClock.MonotonicNow(_time);
            var due = false;
            for (var lease = _first; lease is not null; lease = lease.Next)
            {
                if (lease.IsRenewing)
                {
                    _dueAgainNow.Add(lease);
                }
                else
                {
                    lease.DueAt = now;
                    due = true;
                }
            }

            if (due)
            {
                _wakeAt = Idle;
                WakeBy(now);
            }
        }
    }

    /// <summary>The leases held now.</summary>
    public List<LeaseRenewal> Held()
    {
        lock (_gate)
        {
            return HeldLocked();
        }
    }

    /// <summary>The manager is being disposed: refuses every later lease, and returns those held now (to release).</summary>
    public List<LeaseRenewal> Close()
    {
        lock (_gate)
        {
            _closed = true;
            return HeldLocked();
        }
    }

    public void Dispose() => _timer.Dispose();

    private List<LeaseRenewal> HeldLocked()
    {
        var held = new List<LeaseRenewal>();
        for (var lease = _first; lease is not null; lease = lease.Next)
        {
            held.Add(lease);
        }

        return held;
    }

    private void WakeBy(TimeSpan dueAt)
    {
        if (dueAt < _wakeAt)
        {
            _wakeAt = dueAt;
            var delay = dueAt - LeaseClock.MonotonicNow(_time);
            _timer.Change(delay > TimeSpan.Zero ? delay : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>
    /// Hands each due lease to the thread pool and nothing more: no store call, callback or continuation runs here, so a
    /// lease whose renewal or release blocks (SQLite behind another writer) cannot delay another due in the same tick.
    /// Queuing never runs the work inline, so it may happen under the lock.
    /// </summary>
    private void OnTimer()
    {
        lock (_gate)
        {
            var now = LeaseClock.MonotonicNow(_time);
            var next = Idle;
            for (var lease = _first; lease is not null; lease = lease.Next)
            {
                if (lease.IsRenewing)
                {
                    continue;
                }

                if (lease.DueAt <= now)
                {
                    lease.IsRenewing = true;
                    ThreadPool.UnsafeQueueUserWorkItem(lease, preferLocal: false);
                }
                else if (lease.DueAt < next)
                {
                    next = lease.DueAt;
                }
            }

            _wakeAt = Idle;
            if (next != Idle)
            {
                WakeBy(next);
            }
        }
    }
}
