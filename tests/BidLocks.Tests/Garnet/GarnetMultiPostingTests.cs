using BidLocks.Tests.Contract.Multi;
using BidLocks.Tests.Redis;

namespace BidLocks.Tests.Garnet;

/// <summary>Multi-posting locks with the Redis backend on a real Microsoft Garnet server (Lua in transaction mode).</summary>
public sealed class GarnetMultiPostingTests(GarnetServerFixture garnet) : MultiPostingContract, IClassFixture<GarnetServerFixture>
{
    protected override async ValueTask<IBidLockManager> CreateBackendManagerAsync(BidLockOptions options)
    {
        options.RedisUrl = garnet.Url;
        options.GarnetLuaTransactionMode = true;
        // The whole-set script, which the default (ordered taking) leaves off: the cluster and MinReplicas classes run the
        // default path through the same contract.
        return (await RedisBidLockManager.ConnectAsync(options, TestContext.Current.CancellationToken)).TakingSetsWhole();
    }
}
