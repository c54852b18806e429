using BidLocks.Tests.Contract;

namespace BidLocks.Tests.Failover;

/// <summary>
/// The whole contract suite through the MinReplicas store: every grant, renewal and release confirmed by a replica
/// (<c>WAIT</c>) must keep every promise the plain store keeps (order, fences, re-entry, abandon, inspection).
/// </summary>
public sealed class MinReplicasBidLockManagerTests(ReplicatedRedisFixture servers) : BidLockManagerContract, IClassFixture<ReplicatedRedisFixture>
{
    protected override async ValueTask<IBidLockManager> CreateBackendManagerAsync(BidLockOptions options)
    {
        options.RedisUrl = servers.Redis.Primary.Url;
        options.MinReplicas = 1;
        return await RedisBidLockManager.ConnectAsync(options, TestContext.Current.CancellationToken);
    }
}
