using BidLocks.Tests.Contract;

namespace BidLocks.Tests.Cluster;

/// <summary>
/// The whole contract suite on a real three-master Redis Cluster: every promise a single server keeps must hold when
/// each posting's keys live on the node that owns its slot, and the release notifications cross nodes.
/// </summary>
public sealed class RedisClusterBidLockManagerTests(RedisCluster cluster) : BidLockManagerContract, IClassFixture<RedisCluster>
{
    protected override async ValueTask<IBidLockManager> CreateBackendManagerAsync(BidLockOptions options)
    {
        options.RedisUrl = cluster.Url;
        return await RedisBidLockManager.ConnectAsync(options, TestContext.Current.CancellationToken);
    }
}
