using BidLocks.Tests.Contract;

namespace BidLocks.Tests.Garnet;

/// <summary>
/// The shared backend behaviour (the whole contract suite) with the Redis backend on a real Microsoft Garnet server,
/// started with Lua in transaction mode; every manager has a multiplexer of its own, as in the Redis class.
/// </summary>
public sealed class GarnetBidLockManagerTests(GarnetServerFixture garnet) : BidLockManagerContract, IClassFixture<GarnetServerFixture>
{
    protected override async ValueTask<IBidLockManager> CreateBackendManagerAsync(BidLockOptions options)
    {
        options.RedisUrl = garnet.Url;
        options.GarnetLuaTransactionMode = true;
        return await RedisBidLockManager.ConnectAsync(options, TestContext.Current.CancellationToken);
    }

    [Fact(Timeout = 30_000)]
    public async Task Reports_its_backend_name_and_the_server_as_Garnet()
    {
        var manager = await CreateManagerAsync();

        var health = await manager.CheckHealthAsync(TestContext.Current.CancellationToken);

        Assert.Equal("redis", manager.Backend);
        Assert.NotNull(health.Latency);
        // Garnet answers INFO with redis_version:7.4.3 (the Redis it imitates) and garnet_version:2.2.8 beside it;
        // health output that says "Redis 7.4.3" names the wrong server.
        Assert.Contains("Garnet", health.Description, StringComparison.Ordinal);
    }
}
