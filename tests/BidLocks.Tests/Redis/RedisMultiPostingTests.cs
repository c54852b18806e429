using BidLocks.Tests.Contract.Multi;

namespace BidLocks.Tests.Redis;

/// <summary>Multi-posting locks against a real Redis; every manager has a multiplexer of its own.</summary>
public sealed class RedisMultiPostingTests(SharedRedisServer redis) : MultiPostingContract
{
    protected override async ValueTask<IBidLockManager> CreateBackendManagerAsync(BidLockOptions options)
    {
        options.RedisUrl = redis.Url;
        return await RedisBidLockManager.ConnectAsync(options, TestContext.Current.CancellationToken);
    }
}
