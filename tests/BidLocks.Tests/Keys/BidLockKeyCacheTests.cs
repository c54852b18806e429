using CsCheck;
using StackExchange.Redis;

namespace BidLocks.Tests.Keys;

/// <summary>
/// The key caches on every acquire: right keys for any mix of pairs, nothing allocated for a posting locked
/// again, and for a new posting nothing beyond what building its key (or key array) costs anyway.
/// </summary>
public sealed class BidLockKeyCacheTests
{
    private const string Prefix = "bidlock:";
    private const int Postings = 20_000;
    private const int Measures = 3;

    // Few distinct ids, so that pairs come back (hits) and share slots; some need escaping, some are close to a colon.
    private static readonly Gen<string> Ids = Gen.OneOf(
        Gen.Const("a"), Gen.Const("a:b"), Gen.Const("b"), Gen.Const("a%3Ab"), Gen.Const("x y"), Gen.Const("ab"), Gen.Const("é"));

    [Fact]
    public void Every_pair_gets_the_key_it_would_get_without_the_cache()
    {
        Gen.Select(Ids, Ids).Array[1, 60].Sample(pairs =>
        {
            var cache = new BidLockKeyCache(Prefix);
            foreach (var (marketplace, posting) in pairs)
            {
                var key = cache.Get(marketplace, posting);
                var expected = BidLockKey.Create(Prefix, marketplace, posting);
                if (key.Value != expected.Value || key.MarketplaceId != marketplace || key.PostingId != posting)
                {
                    return false;
                }
            }

            return true;
        }, iter: 2_000);
    }

    [Fact]
    public void A_pair_locked_again_is_served_without_allocating()
    {
        var cache = new BidLockKeyCache(Prefix);
        var first = cache.Get("ebay", "posting-1");

        var before = GC.GetAllocatedBytesForCurrentThread();
        var again = cache.Get("ebay", "posting-1");
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Same(first.Value, again.Value);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Invalid_ids_are_refused_after_valid_ones_were_cached()
    {
        var cache = new BidLockKeyCache(Prefix);
        cache.Get("ebay", "posting-1");

        Assert.Throws<ArgumentNullException>(() => cache.Get("ebay", null));
        Assert.Throws<ArgumentException>(() => cache.Get("ebay", " "));
    }

    [Fact]
    public void A_new_pair_costs_no_more_than_building_its_key()
    {
        var cache = new BidLockKeyCache(Prefix);
        var postings = Enumerable.Range(0, (2 + (2 * Measures)) * Postings).Select(i => $"posting-{i:D6}").ToArray();
        void Uncached(int from)
        {
            for (var i = from; i < from + Postings; i++)
            {
                BidLockKey.Create(Prefix, "ebay", postings[i]);
            }
        }

        void Cached(int from)
        {
            for (var i = from; i < from + Postings; i++)
            {
                cache.Get("ebay", postings[i]);
            }
        }

        var (uncached, cached) = LeastOfEach(Uncached, Cached);

        Assert.True(cached <= uncached + Postings / 100, $"{Postings} new postings allocated {cached} bytes through the cache, {uncached} bytes without it.");
    }

    [Fact]
    public void A_key_array_is_reused_for_the_same_lock_and_built_once_for_a_new_one()
    {
        var keys = new BidLockKeyCache(Prefix);
        var arrays = new RedisKeyArrayCache(RedisKeyNames.LockFence);
        var key = keys.Get("ebay", "posting-1");
        var first = arrays.For(key);
        arrays.For(key);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var again = arrays.For(keys.Get("ebay", "posting-1"));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Same(first, again);
        Assert.Equal(0, allocated);
        Assert.Equal<RedisKey[]>([key.Value, key.Value + RedisKeyNames.FenceSuffix], first);
        var other = arrays.For(keys.Get("ebay", "posting-2"));
        Assert.Equal<RedisKey[]>([Prefix + "{ebay:posting-2}", Prefix + "{ebay:posting-2}" + RedisKeyNames.FenceSuffix], other);
    }

    [Fact]
    public void A_new_lock_costs_no_more_than_building_its_key_array()
    {
        var keys = Enumerable.Range(0, (2 + (2 * Measures)) * Postings).Select(i => BidLockKey.Create(Prefix, "ebay", $"posting-{i:D6}")).ToArray();
        var arrays = new RedisKeyArrayCache(RedisKeyNames.LockFence);
        void Uncached(int from)
        {
            for (var i = from; i < from + Postings; i++)
            {
                RedisKeyNames.LockFence(keys[i].Value);
            }
        }

        void Cached(int from)
        {
            for (var i = from; i < from + Postings; i++)
            {
                arrays.For(keys[i]);
            }
        }

        var (uncached, cached) = LeastOfEach(Uncached, Cached);

        Assert.True(cached <= uncached + Postings / 100, $"{Postings} new locks allocated {cached} bytes through the cache, {uncached} bytes without it.");
    }

    /// <summary>
    /// What each loop allocates over <see cref="Postings"/> items it has not seen, the least of <see cref="Measures"/>
    /// runs, each loop having run once before. What the runtime itself allocates on this thread while it compiles a
    /// loop and replaces it on the stack (from a few dozen bytes to a few kilobytes, at a moment that depends on the
    /// machine's load) lands in some runs and only adds; a miss that allocated anything of its own (a node, a bigger
    /// array) would cost 20000 times its size in every run. The caller allows below one byte per item on top.
    /// </summary>
    private static (long Uncached, long Cached) LeastOfEach(Action<int> uncached, Action<int> cached)
    {
        uncached(0);
        cached(Postings);
        var leastUncached = Enumerable.Range(0, Measures).Min(measure => AllocatedBy(() => uncached((2 + measure) * Postings)));
        var leastCached = Enumerable.Range(0, Measures).Min(measure => AllocatedBy(() => cached((2 + Measures + measure) * Postings)));
        return (leastUncached, leastCached);
    }

    private static long AllocatedBy(Action action)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
