using BidLocks.Tests.Contract.Multi;
using BidLocks.Tests.Redis;

namespace BidLocks.Tests.Cluster;

/// <summary>The whole multi-posting contract on a real three-master Redis Cluster, where a set's postings span nodes.</summary>
public sealed class RedisClusterMultiPostingContractTests(RedisCluster cluster) : MultiPostingContract, IClassFixture<RedisCluster>
{
    // "a", "b" and "c" hash to different slots, so their set is taken one slot group at a time, in slot order.
    protected override bool TakesSetsWhole => false;

    protected override async ValueTask<bool> TakenBeforeAsync(string earlier, string later)
    {
        using var raw = await cluster.RawAsync();
        return raw.GetHashSlot(RedisTestConnections.LockKey(Marketplace, earlier)) < raw.GetHashSlot(RedisTestConnections.LockKey(Marketplace, later));
    }

    protected override async ValueTask<IBidLockManager> CreateBackendManagerAsync(BidLockOptions options)
    {
        options.RedisUrl = cluster.Url;
        return await RedisBidLockManager.ConnectAsync(options, TestContext.Current.CancellationToken);
    }
}
