using BidLocks.Tests.Contract.Multi;

namespace BidLocks.Tests.Failover;

/// <summary>The whole multi-posting contract through the MinReplicas store (each member's grant confirmed by a replica).</summary>
public sealed class MinReplicasMultiPostingTests(ReplicatedRedisFixture servers) : MultiPostingContract, IClassFixture<ReplicatedRedisFixture>
{
    // The MinReplicas store confirms each posting's grant with the replicas, one posting at a time.
    protected override bool TakesSetsWhole => false;

    // Taken one posting at a time, a set holds the postings before the one it waits for.
    protected override bool SetsLookFirst => false;

    protected override async ValueTask<IBidLockManager> CreateBackendManagerAsync(BidLockOptions options)
    {
        options.RedisUrl = servers.Redis.Primary.Url;
        options.MinReplicas = 1;
        return await RedisBidLockManager.ConnectAsync(options, TestContext.Current.CancellationToken);
    }
}
