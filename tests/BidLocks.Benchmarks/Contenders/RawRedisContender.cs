using StackExchange.Redis;

namespace BidLocks.Benchmarks.Contenders;

/// <summary>
/// The floor: what a hand-written lock on StackExchange.Redis costs. SET NX PX with a random token, released by the
/// usual compare-and-delete script (EVALSHA once loaded). No fence, no renewal, no waiting.
/// </summary>
internal sealed class RawRedisContender(IConnectionMultiplexer connection) : Contender
{
    private const string Release = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(30);
    private readonly IDatabase _database = connection.GetDatabase();
    private readonly RedisKey[] _keys = [.. Enumerable.Range(0, 256).Select(worker => (RedisKey)$"raw:{{bench:{Posting(worker)}}}")];

    public override string Name => "raw StackExchange.Redis";

    public override bool CanWait => false;

    public override async Task CycleAsync(int worker, string posting)
    {
        // Its own posting's key is made once, as a user with one key per worker would; a new posting's key is built.
        var key = IsWorkersOwn(worker, posting) ? _keys[worker] : (RedisKey)$"raw:{{bench:{posting}}}";
        var token = Guid.NewGuid().ToString("N");
        if (!await _database.StringSetAsync(key, token, Ttl, When.NotExists))
        {
            throw new InvalidOperationException("A worker's own key was taken.");
        }

        await _database.ScriptEvaluateAsync(Release, [key], [token]);
    }

    public override Task<Func<Task>> HoldAsync(int worker, string key) => throw new NotSupportedException("A bare SET NX cannot wait.");
}
