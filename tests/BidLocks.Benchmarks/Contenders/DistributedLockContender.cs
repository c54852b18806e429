using Medallion.Threading.Redis;
using StackExchange.Redis;

namespace BidLocks.Benchmarks.Contenders;

/// <summary>madelson's DistributedLock.Redis: a lock object per use, as its documentation shows, waiting by polling.</summary>
internal sealed class DistributedLockContender(IConnectionMultiplexer connection) : Contender
{
    private readonly IDatabase _database = connection.GetDatabase();

    public override string Name => "DistributedLock.Redis 1.1.1";

    public override async Task CycleAsync(int worker, string posting)
    {
        var handle = await new RedisDistributedLock($"dl:{posting}", _database).AcquireAsync(TimeSpan.FromSeconds(60));
        await handle.DisposeAsync();
    }

    public override async Task<Func<Task>> HoldAsync(int worker, string key)
    {
        var handle = await new RedisDistributedLock($"dl:{key}", _database).AcquireAsync(TimeSpan.FromSeconds(60));
        return async () => await handle.DisposeAsync();
    }
}
