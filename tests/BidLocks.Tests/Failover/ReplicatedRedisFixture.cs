namespace BidLocks.Tests.Failover;

/// <summary>A primary with two replicas, started once for a test class (two, so MinReplicas = 1 survives one slow replica).</summary>
public sealed class ReplicatedRedisFixture : IAsyncLifetime
{
    private ReplicatedRedis? _redis;

    public ReplicatedRedis Redis => _redis ?? throw new InvalidOperationException("The servers have not started.");

    public async ValueTask InitializeAsync() => _redis = await ReplicatedRedis.StartAsync(replicas: 2);

    public async ValueTask DisposeAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }
}
