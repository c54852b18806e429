using System.Runtime.CompilerServices;
using StackExchange.Redis;

namespace BidLocks;

/// <summary>
/// One kind of <c>KEYS[]</c> array (see <see cref="RedisKeyNames"/>) for recently locked postings, so that locking the
/// same posting again builds no array and no key name. Direct-mapped, like <see cref="BidLockKeyCache"/>: a slot holds
/// one array, chosen by the identity of the lock's key string (which that cache hands out again for the same posting),
/// and a miss builds the array the step needs anyway and writes it to the slot. So a caller who locks a different
/// posting every time allocates exactly what it would with no cache, and one who locks the same posting nothing.
/// </summary>
/// <remarks>
/// An array is never written after it is made, so threads may share it; reading and writing a slot is one reference,
/// so racing threads at worst overwrite each other's array and miss. A hit is checked by the array's first key, the
/// lock's own name: two keys may share a slot, and then they take turns in it.
/// </remarks>
internal sealed class RedisKeyArrayCache(Func<string, RedisKey[]> build)
{
    // A power of two, as many as BidLockKeyCache keeps keys.
    private const int Slots = 1024;

    private readonly RedisKey[]?[] _arrays = new RedisKey[]?[Slots];

    public RedisKey[] For(BidLockKey key)
    {
        ref var slot = ref _arrays[RuntimeHelpers.GetHashCode(key.Value) & (Slots - 1)];
        var cached = Volatile.Read(ref slot);
        if (cached is not null && cached[0] == key.Value)
        {
            return cached;
        }

        var made = build(key.Value);
        Volatile.Write(ref slot, made);
        return made;
    }
}
