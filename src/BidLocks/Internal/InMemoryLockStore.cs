namespace BidLocks;

/// <summary>Holds in a dictionary, guarded by one lock; expiry is read from the manager's clock.</summary>
internal sealed class InMemoryLockStore : ILockStore
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

    public ValueTask<AcquireAttempt> TryAcquireAsync(BidLockKey key, string holderId, TimeSpan ttl, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var now = _time.GetUtcNow();
        lock (_holds)
        {
            if (_holds.TryGetValue(key.Value, out var hold) && hold.ExpiresAt > now && hold.HolderId != holderId)
            {
                return new(AcquireAttempt.Busy(hold.ExpiresAt - now));
            }

            var fence = hold is not null && hold.HolderId == holderId && hold.ExpiresAt > now ? hold.Fence : ++_lastFence;
            var expiresAt = now + ttl;
            _holds[key.Value] = new Hold(holderId, expiresAt, fence);
            return new(AcquireAttempt.Success(fence, expiresAt));
        }
    }

    public ValueTask<DateTimeOffset?> ExtendAsync(BidLockKey key, string holderId, TimeSpan ttl, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        lock (_holds)
        {
            if (!IsHeldBy(key.Value, holderId, now, out var hold))
            {
                return new((DateTimeOffset?)null);
            }

            var expiresAt = now + ttl;
            _holds[key.Value] = hold with { ExpiresAt = expiresAt };
            return new(expiresAt);
        }
    }

    public ValueTask<bool> ReleaseAsync(BidLockKey key, string holderId, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        lock (_holds)
        {
            return new(IsHeldBy(key.Value, holderId, now, out _) && _holds.Remove(key.Value));
        }
    }

    public ValueTask<int> CleanupExpiredAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        lock (_holds)
        {
            var expired = _holds.Where(pair => pair.Value.ExpiresAt <= now).Select(pair => pair.Key).ToList();
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
    public void OnRemoteRelease(Action<string> releasedKey)
    {
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private bool IsHeldBy(string key, string holderId, DateTimeOffset now, out Hold hold)
        => _holds.TryGetValue(key, out hold!) && hold.HolderId == holderId && hold.ExpiresAt > now;

    private sealed record Hold(string HolderId, DateTimeOffset ExpiresAt, long Fence);
}
