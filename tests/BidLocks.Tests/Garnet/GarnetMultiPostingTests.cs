using BidLocks.Tests.Contract.Multi;

namespace BidLocks.Tests.Garnet;

/// <summary>Multi-posting locks with the Redis backend on a real Microsoft Garnet server (Lua in transaction mode).</summary>
public sealed class GarnetMultiPostingTests(GarnetServerFixture garnet) : MultiPostingContract, IClassFixture<GarnetServerFixture>
{
    protected override async ValueTask<IBidLockManager> CreateBackendManagerAsync(BidLockOptions options)
    {
        options.RedisUrl = garnet.Url;
        options.GarnetLuaTransactionMode = true;
        return await RedisBidLockManager.ConnectAsync(options, TestContext.Current.CancellationToken);
    }
}
