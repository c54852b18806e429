namespace BidLocks;

/// <summary>
/// The encoded keys of recently locked postings, so that locking the same posting again builds no new key string
/// (encoding and allocating it was a tenth of the client's work on an uncontended lock). Direct-mapped: each pair has
/// one slot, chosen by its hash, and a miss only writes that slot. A service that bids on a different posting every
/// time (the usual case) then pays exactly what it would pay with no cache at all: the key it needs anyway, and no
/// node, no lookup structure, no periodic clear.
/// </summary>
/// <remarks>
/// A slot holds the key string alone, and only keys of pairs that needed no escaping: such a key spells its two ids
/// out between its brace and its only colon, so a caller's ids equal the slot's exactly when they match it character
/// for character, and a match is a pair that already passed validation. Reading and writing a slot is one reference,
/// so racing threads at worst overwrite each other's entry and miss.
/// </remarks>
internal sealed class BidLockKeyCache(string prefix)
{
    // A power of two, enough for the postings a busy service bids on at once; 8 KiB of references.
    private const int Slots = 1024;

    private readonly string?[] _keys = new string?[Slots];

    /// <exception cref="ArgumentException">An id is null, empty, white space only, too long or not valid UTF-16.</exception>
    public BidLockKey Get(string? marketplaceId, string? postingId)
    {
        if (marketplaceId is null || postingId is null)
        {
            return BidLockKey.Create(prefix, marketplaceId, postingId);
        }

        ref var slot = ref _keys[SlotOf(marketplaceId, postingId)];
        var cached = Volatile.Read(ref slot);
        if (cached is not null && Spells(cached, marketplaceId, postingId))
        {
            return BidLockKey.FromValidated(marketplaceId, postingId, cached);
        }

        var key = BidLockKey.Create(prefix, marketplaceId, postingId);
        if (key.IsPlain(prefix))
        {
            Volatile.Write(ref slot, key.Value);
        }

        return key;
    }

    private static int SlotOf(string marketplaceId, string postingId)
        => HashCode.Combine(marketplaceId.GetHashCode(), postingId.GetHashCode()) & (Slots - 1);

    // True when key is prefix{marketplaceId:postingId}; cached keys always start with the prefix.
    private bool Spells(string key, string marketplaceId, string postingId)
    {
        if (key.Length != prefix.Length + marketplaceId.Length + postingId.Length + 3)
        {
            return false;
        }

        var inside = key.AsSpan(prefix.Length + 1);
        return inside[marketplaceId.Length] == ':'
            && inside[..marketplaceId.Length].SequenceEqual(marketplaceId)
            && inside.Slice(marketplaceId.Length + 1, postingId.Length).SequenceEqual(postingId);
    }
}
