namespace BidLocks;

/// <summary>
/// The live state of one held lock: renews it about every third of its TTL until it is released, lost, or reaches
/// its hold cap, and cancels <see cref="LostToken"/> when it can no longer be sure it holds the lock, or once it is
/// released (so that tasks forked from the holder, which share the lock, learn that it is gone).
/// </summary>
/// <remarks>
/// Every duration here (the hold cap, the expiry while a renewal hangs) is measured on the monotonic clock: a wall
/// clock stepped back would otherwise stretch both by the size of the step. The wall clock only labels
/// <see cref="ExpiresAt"/>.
/// </remarks>
internal sealed class LeaseRenewal : ILeaseHold, IThreadPoolWorkItem
{
    private readonly ILeaseHost _host;
    private readonly TimeSpan _ttl;
    private readonly TimeSpan _holdDeadline;
    private CancellationTokenSource? _lostSource;
    private long _expiresAtTicks;
    private long _deadlineTicks;
    private long _fencingToken;
    private int _finished;
    // 0 while not lost; once lost, the reason plus one (one field: a lease's size is paid on every acquire).
    private int _lost;
    private int _released;

    public LeaseRenewal(ILeaseHost host, BidLockKey key, string holderId, long fencingToken, LeaseExpiry expiry, TimeSpan ttl, TimeSpan maxHold)
    {
        _host = host;
        Key = key;
        HolderId = holderId;
        _fencingToken = fencingToken;
        _ttl = ttl;
        SetExpiry(expiry);
        HeldSince = LeaseClock.MonotonicNow(Time);
        // A first hold as long as the cap (MaxHold no longer than the TTL) is the whole hold: its confirmed expiry, counted
        // from before the request, is the cap. Counted from the grant instead, the cap would come a round trip later, and
        // the renewal sent to cover that round trip (a TTL of milliseconds, answered late on a loaded machine) reported
        // the capped lease lost with its backend.
        _holdDeadline = maxHold <= ttl ? expiry.Deadline : HeldSince + maxHold;
    }

    /// <summary>When the lease began (monotonic): the hold-time histogram and the longest-hold gauge measure from it.</summary>
    public TimeSpan HeldSince { get; }

    public BidLockKey Key { get; }

    public string MarketplaceId => Key.MarketplaceId;

    public string PostingId => Key.PostingId;

    // Scheduling state, guarded by the host's RenewalScheduler: links of its list of held leases, when this lease is
    // due for renewal (monotonic), and whether it is in that list and whether a renewal is running.
    internal LeaseRenewal? Previous { get; set; }

    internal LeaseRenewal? Next { get; set; }

    internal TimeSpan DueAt { get; set; }

    internal bool IsScheduled { get; set; }

    internal bool IsRenewing { get; set; }

    /// <summary>True when the acquire found the lock taken and waited for it (a set confirms what it took before).</summary>
    internal bool GrantedAfterWait { get; init; }

    public string HolderId { get; }

    // The host's clock, not a copy of it: a field more would cost every lease 8 bytes.
    private TimeProvider Time => _host.Time;

    /// <summary>The lock's fence; 0 when the acquire skipped it and no re-entrant acquire has taken one since.</summary>
    public long FencingToken => Volatile.Read(ref _fencingToken);

    /// <summary>A lease's own hold is its own holding renewal.</summary>
    LeaseRenewal? ILeaseHold.HoldingRenewal => this;

    public DateTimeOffset ExpiresAt => new(Volatile.Read(ref _expiresAtTicks), TimeSpan.Zero);

    /// <summary>How long the lock is known to be held for, on the monotonic clock; zero or less once it may not be.</summary>
    private TimeSpan Remaining => TimeSpan.FromTicks(Volatile.Read(ref _deadlineTicks)) - LeaseClock.MonotonicNow(Time);

    public bool IsLost => Volatile.Read(ref _lost) != 0;

    /// <summary>
    /// Neither lost nor released, and within the last expiry the backend confirmed. Past that expiry the lock may
    /// already be another holder's, however late the timers that would notice it run: one monotonic clock read.
    /// </summary>
    public bool IsHeld => !IsLost && !IsReleased && Remaining > TimeSpan.Zero;

    /// <summary>True once released, by its lease or by the manager's disposal.</summary>
    public bool IsReleased => Volatile.Read(ref _released) != 0;

    public CancellationToken LostToken
    {
        get
        {
            if (IsLost || IsReleased)
            {
                return new CancellationToken(canceled: true);
            }

            // Created on first use: most bodies never look at it, and a source per lock would cost every acquire.
            var source = Volatile.Read(ref _lostSource);
            if (source is null)
            {
                var created = new CancellationTokenSource();
                source = Interlocked.CompareExchange(ref _lostSource, created, null) ?? created;
                if (source != created)
                {
                    created.Dispose();
                }
                else if (IsLost || IsReleased)
                {
                    created.Cancel();
                }
            }

            return source.Token;
        }
    }

    /// <summary>
    /// Counts the lease as held by its manager and renews it from now on; false when the manager is being disposed
    /// (the lease is then released, and the caller gives the grant back).
    /// </summary>
    public bool Start()
    {
        // One clock read: this runs on every acquire.
        var now = LeaseClock.MonotonicNow(Time);
        if (_host.Renewals.Add(this, now + NextRenewalDelay(now)))
        {
            return true;
        }

        Volatile.Write(ref _released, 1);
        Volatile.Write(ref _finished, 1);
        return false;
    }

    /// <summary>
    /// Asks the backend now whether the lock is still held, renewing it when it is: a set acquire confirms the postings
    /// it took before waiting for the others. False, with the lease marked lost, when it is not.
    /// </summary>
    /// <exception cref="BidLockUnavailableException">The backend did not answer.</exception>
    public async ValueTask<bool> ConfirmHeldAsync()
    {
        var now = LeaseClock.MonotonicNow(Time);
        if (IsLost || IsReleased || now >= _holdDeadline)
        {
            return false;
        }

        var expiry = await _host.ExtendAsync(this, Min(_ttl, _holdDeadline - now)).ConfigureAwait(false);
        if (expiry is not { } confirmed || confirmed.Remaining(Time) <= TimeSpan.Zero)
        {
            MarkLost("the lock expired or was taken by another holder while its set waited for other postings", NotHeldReason());
            return false;
        }

        SetExpiry(confirmed);
        return true;
    }

    /// <summary>
    /// Run on the thread pool when the scheduler finds the lease due for renewal (or its hold cap): the scheduler only
    /// hands it over, so that one lease's renewal or release (a SQLite step blocked behind another writer) never
    /// holds up another lease due in the same tick. Queued as itself, allocating nothing.
    /// </summary>
    void IThreadPoolWorkItem.Execute() => _ = RenewAsync();

    public ValueTask<bool> ReleaseAsync()
    {
        if (Interlocked.Exchange(ref _released, 1) != 0)
        {
            return new ValueTask<bool>(false);
        }

        StopRenewing();

        // Tasks forked from the holder share its lock through re-entrant leases and may still be running: their
        // LostToken fires before the lock goes. Cancelled asynchronously so no callback of theirs runs inside this
        // release; the token reads as cancelled at once. The source is not disposed: a body may still read it.
        _ = Volatile.Read(ref _lostSource)?.CancelAsync();

        // Handed straight through: one async layer less on every release.
        return _host.ReleaseAsync(this);
    }

    /// <summary>
    /// A third of the TTL, but never later than halfway to the expiry the backend last confirmed, nor past the hold
    /// cap. A grant or renewal answered late (a slow network, a stalled client, a slow WAIT) has less than two thirds
    /// of its TTL left: its next renewal (or, when that cannot finish in time, its loss) must still come before the
    /// expiry, not a third of a TTL later while another holder may already have the lock.
    /// </summary>
    private TimeSpan NextRenewalDelay(TimeSpan now)
    {
        var deadline = TimeSpan.FromTicks(Volatile.Read(ref _deadlineTicks));
        if (deadline >= _holdDeadline)
        {
            // Confirmed up to the hold cap: there is nothing left to renew, so the next run is the cap itself. Halving
            // the time to an expiry that is the cap would send ever shorter renewals until one could not answer in
            // time, and the capped lease would be reported lost with its backend.
            return Max(_holdDeadline - now, TimeSpan.Zero);
        }

        var untilExpiry = deadline - now;
        var delay = Min(TimeSpan.FromTicks(_ttl.Ticks / 3), TimeSpan.FromTicks(untilExpiry.Ticks / 2));
        return Max(Min(delay, _holdDeadline - now), TimeSpan.Zero);
    }

    private async Task RenewAsync()
    {
        var now = LeaseClock.MonotonicNow(Time);
        if (now >= _holdDeadline)
        {
            MarkLost("it reached its hold cap (MaxHold)", BidLockLossReason.HoldCapped);

            // Free the posting now rather than when the backend's copy of the last expiry runs out: that copy was
            // set a round trip after this clock read it, so it outlives the cap by that much.
            ReleaseAfterLoss();
            return;
        }

        // Never renew past the hold cap: a hung body must not keep a posting for ever.
        var ttl = Min(_ttl, _holdDeadline - now);
        try
        {
            // Started on the thread pool rather than on this timer's thread: a backend step that blocks inside a
            // synchronous call (SQLite waiting for another writer) would otherwise hold this method until it
            // returned, long after the expiry at which the loss must be noticed.
            var extend = Task.Run(() => _host.ExtendAsync(this, ttl).AsTask());
            if (!await FinishesBeforeExpiryAsync(extend).ConfigureAwait(false))
            {
                // A backend that hangs (a paused server, a dropped network) answers only when the client's own
                // timeout fires, seconds after the lease ran out, while another holder may already have the lock.
                MarkLost("the backend did not answer the renewal before the lease expired", BidLockLossReason.BackendLost);

                // Should the renewal still land when the backend wakes, the release queued behind it frees the posting
                // at once instead of a TTL later. It deletes only this holder's lock, never a successor's.
                ReleaseAfterLoss();
                return;
            }

            var expiry = await extend.ConfigureAwait(false);
            if (expiry is null)
            {
                MarkLost("the lock expired or was taken by another holder", NotHeldReason());
                return;
            }

            if (expiry.Value.Remaining(Time) <= TimeSpan.Zero)
            {
                MarkLost("the renewal answered only after the TTL it set had run out", BidLockLossReason.Expired);
                return;
            }

            SetExpiry(expiry.Value);
            var renewedAt = LeaseClock.MonotonicNow(Time);
            _host.Renewals.Reschedule(this, renewedAt + NextRenewalDelay(renewedAt));
        }
        catch (Exception)
        {
            if (IsStopped)
            {
                return;
            }

            // The backend did not answer (the host counted and logged it). Keep trying until the lease would
            // have expired anyway; after that nobody can say who holds the lock.
            var untilExpiry = Remaining;
            if (untilExpiry <= TimeSpan.Zero)
            {
                MarkLost("the backend was unreachable until the lease expired", BidLockLossReason.BackendLost);
                return;
            }

            Reschedule(Min(TimeSpan.FromTicks(_ttl.Ticks / 10), untilExpiry));
        }
    }

    /// <summary>
    /// False when <paramref name="extend"/> is still pending when the lease expires. A renewal given up on is still
    /// observed when it ends; the host counts and logs its failure.
    /// </summary>
    private async Task<bool> FinishesBeforeExpiryAsync(Task extend)
    {
        try
        {
            await extend.WaitAsync(Max(Remaining, TimeSpan.Zero), Time).ConfigureAwait(false);
        }
        catch (TimeoutException) when (!extend.IsCompleted)
        {
            _ = extend.ContinueWith(static task => _ = task.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return false;
        }
        catch (Exception)
        {
            // The renewal itself failed: the caller awaits it and handles that.
        }

        return true;
    }

    /// <summary>
    /// On the thread pool: this may run in the continuation of a timer (the expiry guard), and a store's release may
    /// block (SQLite waiting for another writer); neither the timer's thread nor this lease's loss may wait for it.
    /// </summary>
    private void ReleaseAfterLoss() => _ = Task.Run(async () =>
    {
        try
        {
            await ReleaseAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Counted and logged by the host; the lock still expires by its TTL.
        }
    });

    private bool IsStopped => Volatile.Read(ref _finished) != 0;

    public void SetFencingToken(long fence) => Volatile.Write(ref _fencingToken, fence);

    /// <summary>The backend voided every lock it had granted (<see cref="ILockStore.OnGenerationEnded"/>).</summary>
    public void Lose(string reason) => MarkLost(reason, BidLockLossReason.BackendLost);

    private void SetExpiry(LeaseExpiry expiry)
    {
        Volatile.Write(ref _expiresAtTicks, expiry.ExpiresAt.UtcTicks);
        Volatile.Write(ref _deadlineTicks, expiry.Deadline.Ticks);
    }

    private void Reschedule(TimeSpan delay) => _host.Renewals.Reschedule(this, LeaseClock.MonotonicNow(Time) + delay);

    /// <summary>Why the lease was lost; meaningful once <see cref="IsLost"/>.</summary>
    public BidLockLossReason LossReason => (BidLockLossReason)(Volatile.Read(ref _lost) - 1);

    /// <summary>
    /// For a lease whose lock the backend no longer had: the look-up of a forced release's note (set by the host before
    /// <see cref="LostToken"/> fires); null otherwise.
    /// </summary>
    public Task<ForcedReleaseNote?>? ForcedRelease { get; set; }

    // The backend answered that this holder no longer has the lock: past the expiry this lease knew of, it ran out;
    // before it, someone removed or took it (the host then looks for a forced release's note).
    private BidLockLossReason NotHeldReason() => Remaining <= TimeSpan.Zero ? BidLockLossReason.Expired : BidLockLossReason.Taken;

    private void MarkLost(string reason, BidLockLossReason kind)
    {
        if (IsStopped || Interlocked.CompareExchange(ref _lost, (int)kind + 1, 0) != 0)
        {
            return;
        }

        StopRenewing(keepFinished: false);
        _host.OnLost(this, reason);

        // The body's callbacks run on the thread pool, not here: this may be a timer's continuation, and a slow or
        // blocking callback must delay neither the release that follows nor any other lease. The token reads as
        // cancelled at once.
        _ = Volatile.Read(ref _lostSource)?.CancelAsync();
    }

    // A lost lease is not "finished": its release (to free the posting at once) is still to come.
    private void StopRenewing(bool keepFinished = true)
    {
        if (keepFinished)
        {
            Volatile.Write(ref _finished, 1);
        }

        _host.Renewals.Remove(this);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}

/// <summary>The manager as seen by a lease it handed out.</summary>
internal interface ILeaseHost
{
    TimeProvider Time { get; }

    /// <summary>The manager's held leases and their renewals.</summary>
    RenewalScheduler Renewals { get; }

    ValueTask<LeaseExpiry?> ExtendAsync(LeaseRenewal lease, TimeSpan ttl);

    ValueTask<bool> ReleaseAsync(LeaseRenewal lease);

    void OnLost(LeaseRenewal lease, string reason);
}
