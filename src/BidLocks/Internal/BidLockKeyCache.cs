using System.Collections.Concurrent;

namespace BidLocks;

/// <summary>
/// The encoded keys of the postings a manager locks, made once and reused: encoding and allocating the key string on
/// every acquire was a tenth of the client's work on an uncontended lock. Only pairs that passed validation are
/// cached, so a hit needs no further check.
/// </summary>
internal sealed class BidLockKeyCache(string prefix)
{
    // Enough for every posting a busy service bids on at once; past it the cache starts over rather than grow.
    private const int Capacity = 4096;

    private readonly ConcurrentDictionary<(string Marketplace, string Posting), BidLockKey> _keys = new();
    private int _count;

    /// <exception cref="ArgumentException">An id is null, empty, white space only, too long or not valid UTF-16.</exception>
    public BidLockKey Get(string? marketplaceId, string? postingId)
    {
        if (marketplaceId is not null && postingId is not null && _keys.TryGetValue((marketplaceId, postingId), out var cached))
        {
            return cached;
        }

        var key = BidLockKey.Create(prefix, marketplaceId, postingId);
        if (Interlocked.Increment(ref _count) > Capacity)
        {
            _keys.Clear();
            Interlocked.Exchange(ref _count, 1);
        }

        _keys.TryAdd((key.MarketplaceId, key.PostingId), key);
        return key;
    }
}
