using StackExchange.Redis;

namespace BidLocks.Tests.Redis;

/// <summary>
/// The reused KEYS[]/ARGV[] arrays of the first try and the release: an array handed back after an answer serves the
/// next call with nothing of the last one left in it, and one that was not handed back (its call failed, so the client
/// may still write it) is never given to another call.
/// </summary>
public sealed class RedisCallArraysTests
{
    [Fact]
    public void An_answered_array_serves_the_next_call_with_the_last_holder_cleared()
    {
        // The first call takes whatever spare this thread had; handed back, the array is this thread's own spare, which
        // nothing else can take between these synchronous calls.
        var first = RedisCallArrays.Holder("holder-1");
        Assert.Equal("holder-1", (string?)first[0]);
        RedisCallArrays.Answered(first);
        Assert.True(first[0].IsNull, "a spare still held the last holder id");

        var second = RedisCallArrays.Holder("holder-2");
        Assert.Same(first, second);
        Assert.Equal("holder-2", (string?)second[0]);

        var keys = RedisCallArrays.LockKey("bidlock:{ebay:1}");
        RedisCallArrays.Answered(keys);
        Assert.Equal(default, keys[0]);
        Assert.Same(keys, RedisCallArrays.LockKey("bidlock:{ebay:2}"));
        Assert.Equal<RedisKey[]>(["bidlock:{ebay:2}"], keys);
    }

    [Fact]
    public void An_array_never_handed_back_is_never_given_to_another_call()
    {
        var unanswered = RedisCallArrays.HolderTtl("holder-1", 30_000);
        for (var call = 0; call < 10; call++)
        {
            var other = RedisCallArrays.HolderTtl($"holder-{call + 2}", 30_000);
            Assert.NotSame(unanswered, other);
            RedisCallArrays.Answered(other);
        }

        Assert.Equal<RedisValue[]>(["holder-1", 30_000], unanswered);
    }
}
