namespace BidLocks.Tests.Cluster;

/// <summary>
/// <see cref="BidLockOptions.MinReplicas"/> is not kept on Redis Cluster yet (a <c>WAIT</c> would go to any node, not the
/// one that granted the lock): a manager asking for it there is refused at start, and one built on a cluster
/// multiplexer fails every grant closed, releasing it, rather than count another node's replicas.
/// </summary>
public sealed class ClusterMinReplicasTests(RedisCluster cluster) : IClassFixture<RedisCluster>
{
    [Fact(Timeout = 120_000)]
    public async Task MinReplicas_on_a_cluster_is_refused_at_start_and_fails_grants_closed()
    {
        var cancel = TestContext.Current.CancellationToken;
        var marketplace = "mkt-" + Guid.NewGuid().ToString("N");

        var refused = await Assert.ThrowsAsync<BidLockUnavailableException>(() => RedisBidLockManager.ConnectAsync(new BidLockOptions { RedisUrl = cluster.Url, MinReplicas = 1 }, cancel));
        using var raw = await cluster.RawAsync();
        await using var manager = new RedisBidLockManager(raw, new BidLockOptions { MinReplicas = 1 });
        var failed = await Assert.ThrowsAsync<BidLockUnavailableException>(async () => await manager.AcquireAsync(marketplace, "posting", TimeSpan.Zero, cancel));
        await using var plain = new RedisBidLockManager(raw, new BidLockOptions { MinReplicas = 0 });
        await using var lease = await plain.AcquireAsync(marketplace, "posting", TimeSpan.Zero, cancel);

        Assert.Contains("not supported on Redis Cluster", refused.Message, StringComparison.Ordinal);
        Assert.Contains("not supported on Redis Cluster", failed.Message, StringComparison.Ordinal);
        Assert.Contains("it was released and the body did not run", failed.Message, StringComparison.Ordinal);
    }
}
