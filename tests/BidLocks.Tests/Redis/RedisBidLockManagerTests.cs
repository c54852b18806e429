using BidLocks.Tests.Contract;

namespace BidLocks.Tests.Redis;

/// <summary>The shared backend behaviour against a real Redis; every manager has a multiplexer of its own.</summary>
public sealed class RedisBidLockManagerTests(SharedRedisServer redis) : BidLockManagerContract
{
    protected override async ValueTask<IBidLockManager> CreateBackendManagerAsync(BidLockOptions options)
    {
        options.RedisUrl = redis.Url;
        return await RedisBidLockManager.ConnectAsync(options, TestContext.Current.CancellationToken);
    }

    [Fact(Timeout = 30_000)]
    public async Task Reports_its_backend_name_and_server_version()
    {
        var manager = await CreateManagerAsync();

        var health = await manager.CheckHealthAsync(TestContext.Current.CancellationToken);

        Assert.Equal("redis", manager.Backend);
        Assert.StartsWith("7.", health.ServerVersion);
        Assert.NotNull(health.Latency);
        Assert.Contains("PING", health.Description);
    }
}
