namespace BidLocks;

/// <summary>Inspection of the in-process table: the holds as they are, read under its lock.</summary>
internal sealed partial class InMemoryLockStore : ILockInspection
{
    // The waiters are the manager's own local queue: it counts them.
    public bool CountsWaiters => false;

    // Who broke a lock, for its broken holder (ReadForcedReleaseAsync), until a while after its lease would have expired.
    private readonly Dictionary<string, (string HolderId, string Note, TimeSpan Until)> _breaks = new(StringComparer.Ordinal);

    public ValueTask<BidLockInfo?> InspectAsync(BidLockKey key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var now = LeaseClock.Read(_time);
        lock (_holds)
        {
            return new(_holds.TryGetValue(key.Value, out var hold) && hold.IsLive(now) ? Describe(key.MarketplaceId, key.PostingId, key.Value, hold, now) : null);
        }
    }

    public ValueTask<IReadOnlyList<BidLockInfo>> ListHeldAsync(string keyPrefix, string? marketplaceId, int limit, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var now = LeaseClock.Read(_time);
        var start = BidLockKeyDecoder.KeyStart(keyPrefix, marketplaceId);
        var ranking = new HeldLockRanking(limit);
        lock (_holds)
        {
            foreach (var (key, hold) in _holds)
            {
                if (hold.IsLive(now) && key.StartsWith(start, StringComparison.Ordinal) && BidLockKeyDecoder.TryDecode(keyPrefix, key, out var marketplace, out var posting))
                {
                    ranking.Add(Describe(marketplace, posting, key, hold, now));
                }
            }
        }

        return new(ranking.Result());
    }

    public ValueTask<BrokenHold?> ForceReleaseAsync(BidLockKey key, string note, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var now = LeaseClock.Read(_time);
        lock (_holds)
        {
            if (!_holds.TryGetValue(key.Value, out var hold) || !hold.IsLive(now))
            {
                return new((BrokenHold?)null);
            }

            _holds.Remove(key.Value);
            LeaveNote(key.Value, hold, note, now);
            // Fences here are one counter for every lock: the next one is above the broken holder's already; taking it
            // now makes the number to hand a resource.
            return new(new BrokenHold(hold.HolderId, hold.Fence, ++_lastFence));
        }
    }

    public ValueTask<string?> ReadForcedReleaseAsync(BidLockKey key, string holderId, CancellationToken cancellationToken)
    {
        var now = LeaseClock.MonotonicNow(_time);
        lock (_holds)
        {
            return new(_breaks.TryGetValue(key.Value, out var left) && left.HolderId == holderId && left.Until > now ? left.Note : null);
        }
    }

    // Under the table's lock. Notes that lapsed go on the way: forced releases are rare, so the map stays small.
    private void LeaveNote(string key, Hold hold, string note, LeaseClock now)
    {
        foreach (var lapsed in _breaks.Where(pair => pair.Value.Until <= now.Monotonic).Select(pair => pair.Key).ToList())
        {
            _breaks.Remove(lapsed);
        }

        _breaks[key] = (hold.HolderId, note, hold.Expiry.Deadline + ForcedReleaseNote.Margin);
    }

    private static BidLockInfo Describe(string marketplaceId, string postingId, string key, Hold hold, LeaseClock now)
    {
        var instance = HolderIds.TryParse(hold.HolderId, out var parsed, out _) ? parsed : null;
        return new BidLockInfo(marketplaceId, postingId, key, hold.HolderId, instance, hold.HeldSince, now.Wall + (hold.Expiry.Deadline - now.Monotonic), hold.Fence, 0, now.Wall);
    }
}
