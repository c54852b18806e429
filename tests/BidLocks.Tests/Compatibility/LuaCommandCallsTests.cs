namespace BidLocks.Tests.Compatibility;

/// <summary>The script reader behind the compatibility test: it must see every call and only real ones.</summary>
public sealed class LuaCommandCallsTests
{
    [Fact]
    public void Reads_the_command_and_its_literal_arguments_in_either_quote_and_case()
    {
        var calls = LuaCommandCalls.Find("""local x = redis.call("set", KEYS[1], '=' .. ARGV[1], 'nx', "PX", ARGV[2], 'Get')""");

        var call = Assert.Single(calls);
        Assert.Equal("SET", call.Command);
        Assert.Equal(["NX", "PX", "GET"], call.Literals);
    }

    [Fact]
    public void Commas_and_brackets_inside_arguments_do_not_split_them()
    {
        var calls = LuaCommandCalls.Find("redis.pcall('ZADD', KEYS[1], 'NX', f(a, b), string.format('%d,%d', 1, 2), { 'x', 'y' })");

        var call = Assert.Single(calls);
        Assert.Equal("ZADD", call.Command);
        // Only whole-argument literals count: 'x' inside a table and the format string's pieces are not options.
        Assert.Equal(["NX"], call.Literals);
    }

    [Fact]
    public void Calls_in_comments_do_not_count_and_lines_are_counted()
    {
        var calls = LuaCommandCalls.Find("""
            -- redis.call('GETDEL', KEYS[1])
            --[[ redis.call('SET', KEYS[1], 'v', 'GET')
            ]]
            local v = redis.call('GET', KEYS[1]) -- then redis.call('COPY')
            redis.call('PEXPIRE', KEYS[1], 100)
            """);

        Assert.Equal([("GET", 4), ("PEXPIRE", 5)], calls.Select(call => (call.Command, call.Line)));
    }

    [Theory]
    [InlineData("local cmd = 'SET'; redis.call(cmd, KEYS[1], 1)")]
    [InlineData("local call = redis.call; call('SET', KEYS[1], 1)")]
    [InlineData("redis.call([[SET]], KEYS[1], 1)")]
    public void A_call_it_cannot_check_is_an_error_not_a_pass(string script)
        => Assert.Throws<FormatException>(() => LuaCommandCalls.Find(script));

    [Fact]
    public void Finds_every_call_of_the_real_scripts()
    {
        var calls = RedisScriptSources.All.SelectMany(script => LuaCommandCalls.Find(script.Value)).Select(call => call.Command).ToHashSet();

        // The commands the README's ACL line grants to scripts; a script calling another would show here first.
        Assert.Subset(new HashSet<string> { "GET", "SET", "DEL", "EXISTS", "PEXPIRE", "PTTL", "TIME", "ZADD", "ZRANGE", "ZREM", "HSET", "HGET", "HDEL", "PUBLISH" }, calls);
    }
}
