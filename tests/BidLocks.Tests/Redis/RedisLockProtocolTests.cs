using StackExchange.Redis;

namespace BidLocks.Tests.Redis;

/// <summary>
/// <see cref="RedisLockProtocol"/>: the C# side reads every form the Lua scripts write, and the scripts spell the
/// literals the C# side reads (they are not interpolated, so this is what notices one side changed without the other).
/// </summary>
public sealed class RedisLockProtocolTests
{
    [Fact]
    public void Lock_values_are_read_in_all_three_forms()
    {
        Assert.Equal(((string?)null, (long?)null), RedisLockProtocol.ParseValue("~"));
        Assert.Equal(("holder-1", (long?)1700000000123), RedisLockProtocol.ParseValue("+1700000000123:holder-1"));
        // A holder id may itself contain the separator: only the first one after the mark ends the expiry.
        Assert.Equal(("a:b", (long?)5), RedisLockProtocol.ParseValue("+5:a:b"));
        Assert.Equal(("plain-holder", (long?)null), RedisLockProtocol.ParseValue("plain-holder"));
    }

    [Fact]
    public void Holder_ids_that_would_read_as_a_state_mark_are_refused()
    {
        Assert.True(RedisLockProtocol.IsStateMark('+'));
        Assert.True(RedisLockProtocol.IsStateMark('~'));
        Assert.False(RedisLockProtocol.IsStateMark('h'));
        Assert.Throws<ArgumentException>(() => IdValidation.RequireHolder("~x", "holderId", 100));
        Assert.Throws<ArgumentException>(() => IdValidation.RequireHolder("+x", "holderId", 100));
    }

    [Fact]
    public void Reply_codes_release_messages_since_records_and_broken_notes_decode()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(250), RedisLockProtocol.RetryAfter(-2 - 250));
        Assert.True(RedisLockProtocol.BusyBase - 0 < RedisLockProtocol.TakeSlowPath);

        var message = RedisLockProtocol.ReleaseSender("ABCD") + "{bid}:m:p";
        Assert.Equal("{bid}:m:p", RedisLockProtocol.ReleasedKey(message));
        Assert.Null(RedisLockProtocol.ReleasedKey("no separator"));
        Assert.Equal("bid:released", RedisLockProtocol.ReleaseChannel("bid:"));

        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1700000000123), RedisLockProtocol.HeldSince((RedisValue)"1700000000123 holder-1", "holder-1"));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(42), RedisLockProtocol.HeldSince((RedisValue)"42/attempt-7 holder-1", "holder-1"));
        Assert.Null(RedisLockProtocol.HeldSince((RedisValue)"42 holder-2", "holder-1"));
        Assert.Null(RedisLockProtocol.HeldSince(RedisValue.Null, "holder-1"));

        Assert.Equal("ops: stuck", RedisLockProtocol.BrokenNoteFor("holder-1\nops: stuck", "holder-1"));
        Assert.Null(RedisLockProtocol.BrokenNoteFor("holder-10\nops: stuck", "holder-1"));
        Assert.Null(RedisLockProtocol.BrokenNoteFor(null, "holder-1"));
    }

    [Fact]
    public void The_scripts_spell_the_protocol_literals()
    {
        var reservation = $"'{RedisLockProtocol.Reservation}'";
        var queuedHold = $"'{RedisLockProtocol.QueuedHoldMark}' .. string.format('%.0f', ";
        var separator = $".. '{RedisLockProtocol.QueuedHoldSeparator}' .. ";
        var skip = $"fenceRetentionMs == '{RedisLockProtocol.SkipFencingTokenRetention}'";
        foreach (var script in new[] { RedisScripts.AcquireQueued, RedisSetScripts.AcquireSet })
        {
            Assert.Contains(reservation, script, StringComparison.Ordinal);
            Assert.Contains(queuedHold, script, StringComparison.Ordinal);
            Assert.Contains(separator, script, StringComparison.Ordinal);
            Assert.Contains(skip, script, StringComparison.Ordinal);
        }

        Assert.Contains($"return {RedisLockProtocol.TakeSlowPath} end", RedisScripts.AcquireFast, StringComparison.Ordinal);
        Assert.Contains($"return {RedisLockProtocol.BusyBase} - retryMs", RedisScripts.AcquireQueued, StringComparison.Ordinal);
        Assert.Contains($"return {RedisLockProtocol.TakeSlowPath} end", RedisScripts.ReleaseFast, StringComparison.Ordinal);
        Assert.Contains(@"h .. '\n' .. ARGV[5]", RedisScripts.ForceRelease, StringComparison.Ordinal);
    }
}
