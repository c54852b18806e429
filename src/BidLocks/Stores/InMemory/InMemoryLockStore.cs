namespace BidLocks;

/// <summary>
/// Holds in a dictionary, guarded by one lock. Expiry is judged on the manager's monotonic clock: nothing outside the
/// process reads it, so a stepped wall clock must not stretch or shorten a hold.
/// </summary>
internal sealed partial class InMemoryLockStore : ILockStore
{
    public const string BackendName = "in-memory";

    private readonly Dictionary<string, Hold> _holds = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    // Seeded from the clock so that a process started later hands out higher fences than one before it.
    private long _lastFence;

    public InMemoryLockStore(TimeProvider time)
    {
        _time = time;
        _lastFence = time.GetUtcNow().UtcTicks;
    }

    public string Backend => BackendName;

    // Fences cost nothing here, so one is always taken.
    public ValueTask<AcquireAttempt> TryAcquireAsync(BidLockKey key, string holderId, string? attemptId, TimeSpan ttl, bool skipFencingToken, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var now = LeaseClock.Read(_time);
        lock (_holds)
        {
            if (_holds.TryGetValue(key.Value, out var hold) && hold.IsLive(now) && hold.HolderId != holderId)
            {
                return new(AcquireAttempt.Busy(hold.Expiry.Deadline - now.Monotonic));
            }

            if (_reserved.Count > 0 && hold?.HolderId != holderId && ReservedForAnother(key.Value, holderId, now) is { } reserved)
            {
                // Free, but a waiting set reserved it (InMemoryLockStore.Sets.cs).
                return new(AcquireAttempt.Busy(reserved));
            }

            var expiry = now.Plus(ttl);
            _holds[key.Value] = hold is not null && hold.HolderId == holderId && hold.IsLive(now)
                ? hold with { Expiry = expiry }
                : new Hold(holderId, expiry, ++_lastFence, now.Wall, attemptId ?? holderId);
            var fence = _holds[key.Value].Fence;
            return new(AcquireAttempt.Success(fence, expiry));
        }
    }

    public ValueTask<LeaseExpiry?> ExtendAsync(BidLockKey key, string holderId, TimeSpan ttl, CancellationToken cancellationToken)
    {
        var now = LeaseClock.Read(_time);
        lock (_holds)
        {
            if (!IsHeldBy(key.Value, holderId, now, out var hold))
            {
                return new((LeaseExpiry?)null);
            }

            var expiry = now.Plus(ttl);
            _holds[key.Value] = hold with { Expiry = expiry };
            return new(expiry);
        }
    }

    public ValueTask<bool> ReleaseAsync(BidLockKey key, string holderId, CancellationToken cancellationToken)
    {
        var now = LeaseClock.Read(_time);
        lock (_holds)
        {
            return new(IsHeldBy(key.Value, holderId, now, out _) && _holds.Remove(key.Value));
        }
    }

    // No queue here (the manager's own queue is the only one); a hold this attempt was granted past its TTL is dropped.
    public ValueTask AbandonAsync(BidLockKey key, string holderId, string? attemptId)
    {
        lock (_holds)
        {
            if (_holds.TryGetValue(key.Value, out var hold) && hold.HolderId == holderId && hold.GrantedBy == (attemptId ?? holderId))
            {
                _holds.Remove(key.Value);
            }

            if (_reserved.TryGetValue(key.Value, out var reservation) && reservation.HolderId == holderId)
            {
                _reserved.Remove(key.Value);
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<int> CleanupExpiredAsync(CancellationToken cancellationToken)
    {
        var now = LeaseClock.Read(_time);
        lock (_holds)
        {
            var expired = _holds.Where(pair => !pair.Value.IsLive(now)).Select(pair => pair.Key).ToList();
            expired.ForEach(key => _holds.Remove(key));
            return new(expired.Count);
        }
    }

    public ValueTask<BidLockHealth> CheckHealthAsync(CancellationToken cancellationToken)
    {
        int count;
        lock (_holds)
        {
            count = _holds.Count;
        }

        return new(new BidLockHealth(BidLockHealthStatus.Healthy, Backend, $"In-process lock table with {count} entries; protects one process only.", TimeSpan.Zero));
    }

    // Every release in this process is seen by the manager itself; there is nobody else to hear from.
    public void OnRemoteRelease(Action<string?> releasedKey)
    {
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private bool IsHeldBy(string key, string holderId, LeaseClock now, out Hold hold)
        => _holds.TryGetValue(key, out hold!) && hold.HolderId == holderId && hold.IsLive(now);

    /// <param name="HolderId">Who holds it.</param>
    /// <param name="Expiry">When the hold ends unless renewed.</param>
    /// <param name="Fence">Its fencing token.</param>
    /// <param name="HeldSince">When the holder got the lock (wall clock, for inspection).</param>
    /// <param name="GrantedBy">The attempt that granted it (a lease's holder id names its one attempt); kept when the holder asks again.</param>
    private sealed record Hold(string HolderId, LeaseExpiry Expiry, long Fence, DateTimeOffset HeldSince, string GrantedBy)
    {
        public bool IsLive(LeaseClock now) => Expiry.Deadline > now.Monotonic;
    }
}
