using StackExchange.Redis;

namespace BidLocks.Benchmarks.Contenders;

/// <summary>
/// The Redis manager's own two Lua steps (first try with fence, compare-and-delete release) sent straight from
/// StackExchange.Redis, with no manager around them: how much of the gap to raw is the server's work for the
/// fence, and how much is the manager's.
/// </summary>
internal sealed class LuaStepsContender(IConnectionMultiplexer connection) : Contender
{
    private static readonly RedisScript Acquire = new(RedisScripts.AcquireFast);
    private static readonly RedisScript Release = new(RedisScripts.ReleaseFast);
    private readonly IDatabase _database = connection.GetDatabase();
    private readonly RedisKey[][] _keys = [.. Enumerable.Range(0, 256).Select(worker => KeysFor($"lua:{{bench:{Posting(worker)}}}"))];

    public override string Name => "its Lua steps alone (no manager)";

    public override bool CanWait => false;

    public override async Task CycleAsync(int worker, string posting)
    {
        var keys = IsWorkersOwn(worker, posting) ? _keys[worker] : KeysFor($"lua:{{bench:{posting}}}");
        var token = Guid.NewGuid().ToString("N");
        if (await Acquire.EvaluateAsync(_database, keys, [token, 30_000, 1]) <= 0)
        {
            throw new InvalidOperationException("A worker's own key was taken.");
        }

        await Release.EvaluateAsync(_database, [keys[0]], [token]);
    }

    private static RedisKey[] KeysFor(string key) => [key, key + ":fence"];

    public override Task<Func<Task>> HoldAsync(int worker, string key) => throw new NotSupportedException();
}
