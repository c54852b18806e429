using System.Globalization;
using BidLocks.Tests.Garnet;
using BidLocks.Tests.Redis;
using StackExchange.Redis;

namespace BidLocks.Tests.Compatibility;

/// <summary>
/// Each operation the lock scripts need, written only with what Redis 6.0 has, run as a script on the real Redis and
/// on the real Garnet: the building blocks for scripts without <c>SET … GET</c>, and proof that both servers give the
/// same answers (Redis runs Lua 5.1, Garnet Lua 5.4: numbers, nil/false and status replies are where they could differ).
/// </summary>
public sealed class LuaOperationsOnBothServersTests(SharedRedisServer redis, GarnetServerFixture garnet) : IClassFixture<GarnetServerFixture>, IAsyncLifetime
{
    private readonly string _key = "bidlock:{lua-" + Guid.NewGuid().ToString("N") + "}";
    private ConnectionMultiplexer? _redis;
    private ConnectionMultiplexer? _garnet;

    public async ValueTask InitializeAsync()
    {
        _redis = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{redis.Server.Port}");
        _garnet = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{garnet.Server.Port}");
    }

    public async ValueTask DisposeAsync()
    {
        await (_redis?.DisposeAsync() ?? ValueTask.CompletedTask);
        await (_garnet?.DisposeAsync() ?? ValueTask.CompletedTask);
    }

    [Theory(Timeout = 30_000)]
    [InlineData("redis")]
    [InlineData("garnet")]
    public async Task Take_a_free_lock_with_SET_NX_PX_and_tell_a_taken_one_without_GET(string server)
    {
        var cancel = TestContext.Current.CancellationToken;
        // SET NX without GET answers a status reply (a table in Lua) when it set the key and nil (false) when not.
        const string Take = """
            if not redis.call('SET', KEYS[1], '=' .. ARGV[1], 'NX', 'PX', ARGV[2]) then return -1 end
            return redis.call('PTTL', KEYS[1])
            """;
        var db = Database(server);

        var first = (long)await EvaluateAsync(db, cancel, Take, [_key], ["a", 10_000]);
        var second = (long)await EvaluateAsync(db, cancel, Take, [_key], ["b", 10_000]);

        Assert.InRange(first, 1, 10_000);
        Assert.Equal(-1, second);
        Assert.Equal("=a", (string?)await db.StringGetAsync(_key));
    }

    [Theory(Timeout = 30_000)]
    [InlineData("redis")]
    [InlineData("garnet")]
    public async Task Fence_from_TIME_and_the_stored_fence_with_GET_then_SET_PX(string server)
    {
        var cancel = TestContext.Current.CancellationToken;
        // The fence without SET … GET: read the last one, write the new one. Atomic because the whole script is.
        const string Fence = """
            local t = redis.call('TIME')
            local f = t[1] * 1000000 + t[2]
            local last = tonumber(redis.call('GET', KEYS[1]))
            if last and last >= f then f = last + 1 end
            redis.call('SET', KEYS[1], string.format('%.0f', f), 'PX', 604800000)
            return f
            """;
        var db = Database(server);
        var ahead = DateTimeOffset.UtcNow.AddYears(1).ToUnixTimeMilliseconds() * 1000;

        var fromClock = (long)await EvaluateAsync(db, cancel, Fence, [_key]);
        await db.StringSetAsync(_key, ahead.ToString(CultureInfo.InvariantCulture));
        var fromStored = (long)await EvaluateAsync(db, cancel, Fence, [_key]);

        // Microseconds since 1970, exact: above 2^31 and below 2^53, as an integer reply on both (Lua 5.1 doubles, 5.4 integers).
        Assert.InRange(fromClock, DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds() * 1000, DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeMilliseconds() * 1000);
        Assert.Equal(ahead + 1, fromStored);
        Assert.Equal((ahead + 1).ToString(CultureInfo.InvariantCulture), (string?)await db.StringGetAsync(_key));
        Assert.True((await db.KeyTimeToLiveAsync(_key))!.Value > TimeSpan.FromDays(6));
    }

    [Theory(Timeout = 30_000)]
    [InlineData("redis")]
    [InlineData("garnet")]
    public async Task Flag_a_held_lock_with_SET_KEEPTTL_and_read_its_PTTL(string server)
    {
        var cancel = TestContext.Current.CancellationToken;
        const string Flag = """
            local v = redis.call('GET', KEYS[1])
            redis.call('SET', KEYS[1], '+' .. string.sub(v, 2), 'KEEPTTL')
            return redis.call('PTTL', KEYS[1])
            """;
        var db = Database(server);
        await db.StringSetAsync(_key, "=holder", TimeSpan.FromSeconds(10));

        var left = (long)await EvaluateAsync(db, cancel, Flag, [_key]);

        Assert.InRange(left, 1, 10_000);
        Assert.Equal("+holder", (string?)await db.StringGetAsync(_key));
    }

    [Theory(Timeout = 30_000)]
    [InlineData("redis")]
    [InlineData("garnet")]
    public async Task Queue_with_ZADD_NX_and_HSET_read_the_head_and_drop_it(string server)
    {
        var cancel = TestContext.Current.CancellationToken;
        // Arrival order by score; ZADD NX keeps a waiter's first place when it tries again.
        const string Queue = """
            redis.call('ZADD', KEYS[1], 'NX', ARGV[1], ARGV[2])
            redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
            local head = redis.call('ZRANGE', KEYS[1], 0, 0)[1]
            return {head, redis.call('HGET', KEYS[2], head)}
            """;
        const string Drop = """
            redis.call('ZREM', KEYS[1], ARGV[1])
            redis.call('HDEL', KEYS[2], ARGV[1])
            local head = redis.call('ZRANGE', KEYS[1], 0, 0)[1]
            if not head then redis.call('DEL', KEYS[1], KEYS[2]) return 0 end
            return redis.call('EXISTS', KEYS[1])
            """;
        var db = Database(server);
        RedisKey[] keys = [_key + ":queue", _key + ":waiters"];

        await EvaluateAsync(db, cancel, Queue, keys, [100, "first", 5000]);
        var again = (RedisResult[])(await EvaluateAsync(db, cancel, Queue, keys, [300, "first", 6000]))!;
        var other = (RedisResult[])(await EvaluateAsync(db, cancel, Queue, keys, [200, "second", 7000]))!;
        var afterFirst = (long)await EvaluateAsync(db, cancel, Drop, keys, ["first"]);
        var afterBoth = (long)await EvaluateAsync(db, cancel, Drop, keys, ["second"]);

        Assert.Equal(["first", "6000"], again.Select(item => (string?)item));
        Assert.Equal(["first", "6000"], other.Select(item => (string?)item));
        Assert.Equal(1, afterFirst);
        Assert.Equal(0, afterBoth);
        Assert.False(await db.KeyExistsAsync(keys[0]) || await db.KeyExistsAsync(keys[1]));
    }

    [Theory(Timeout = 30_000)]
    [InlineData("redis")]
    [InlineData("garnet")]
    public async Task PUBLISH_from_a_script_reaches_a_subscriber(string server)
    {
        var cancel = TestContext.Current.CancellationToken;
        var connection = server == "redis" ? _redis! : _garnet!;
        var channel = RedisChannel.Literal(_key + ":released");
        var heard = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await connection.GetSubscriber().SubscribeAsync(channel, (_, message) => heard.TrySetResult(message!));

        var receivers = (long)await EvaluateAsync(Database(server), cancel, "return redis.call('PUBLISH', ARGV[1], ARGV[2])", [], [channel.ToString(), "posting-1"]);

        Assert.Equal(1, receivers);
        Assert.Equal("posting-1", await heard.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
    }

    [Theory(Timeout = 30_000)]
    [InlineData("redis")]
    [InlineData("garnet")]
    public async Task An_unknown_script_hash_is_refused_with_NOSCRIPT(string server)
    {
        var cancel = TestContext.Current.CancellationToken;
        var error = await Assert.ThrowsAsync<RedisServerException>(() => Database(server).ExecuteAsync("EVALSHA", new string('0', 40), 0).WaitAsync(cancel));

        // RedisScript.IsUnknown looks for this prefix to send the script's text instead.
        Assert.StartsWith("NOSCRIPT", error.Message, StringComparison.Ordinal);
    }

    private static Task<RedisResult> EvaluateAsync(IDatabase db, CancellationToken cancel, string script, RedisKey[] keys, RedisValue[]? values = null)
        => db.ScriptEvaluateAsync(script, keys, values).WaitAsync(cancel);

    private IDatabase Database(string server) => (server == "redis" ? _redis! : _garnet!).GetDatabase();
}
