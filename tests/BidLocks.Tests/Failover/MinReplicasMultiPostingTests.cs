using BidLocks.Tests.Contract.Multi;

namespace BidLocks.Tests.Failover;

/// <summary>The whole multi-posting contract through the MinReplicas store (each member's grant confirmed by a replica).</summary>
public sealed class MinReplicasMultiPostingTests(ReplicatedRedisFixture servers) : MultiPostingContract, IClassFixture<ReplicatedRedisFixture>
{
    protected override async ValueTask<IBidLockManager> CreateBackendManagerAsync(BidLockOptions options)
    {
        options.RedisUrl = servers.Redis.Primary.Url;
        options.MinReplicas = 1;
        return await RedisBidLockManager.ConnectAsync(options, TestContext.Current.CancellationToken);
    }
}
