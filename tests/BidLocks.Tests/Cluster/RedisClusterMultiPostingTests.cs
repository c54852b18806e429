using System.Net;
using BidLocks.Tests.Redis;
using StackExchange.Redis;

namespace BidLocks.Tests.Cluster;

/// <summary>
/// Multi-posting locks on a real three-master Redis Cluster: the postings of one set hash to different slots on
/// different masters, and the set is still taken whole, with no CROSSSLOT error, because each posting is its own
/// single-slot step, taken in the one global order.
/// </summary>
public sealed class RedisClusterMultiPostingTests(RedisCluster cluster) : IClassFixture<RedisCluster>, IAsyncLifetime
{
    private readonly string _marketplace = "mkt-" + Guid.NewGuid().ToString("N");
    private ConnectionMultiplexer _raw = null!;

    public async ValueTask InitializeAsync() => _raw = await cluster.RawAsync();

    public ValueTask DisposeAsync()
    {
        _raw.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact(Timeout = 120_000)]
    public async Task A_set_spread_over_every_master_is_taken_and_released_whole()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var manager = await RedisBidLockManager.ConnectAsync(new BidLockOptions { RedisUrl = cluster.Url }, cancel);
        await using var peer = await RedisBidLockManager.ConnectAsync(new BidLockOptions { RedisUrl = cluster.Url }, cancel);
        var postings = Enumerable.Range(0, 24).Select(i => $"m{i}").ToList();
        var owners = postings.Select(OwnerOf).Distinct().Count();

        var set = await manager.AcquireManyAsync(_marketplace, postings, new BidLockAcquireOptions(TimeSpan.FromSeconds(20)), cancel);
        var heldElsewhere = new List<string>();
        foreach (var posting in postings)
        {
            if (await peer.TryAcquireAsync(_marketplace, posting, TimeSpan.Zero, cancel) is { } stray)
            {
                heldElsewhere.Add(posting);
                await stray.ReleaseAsync();
            }
        }

        Assert.True(await set.ReleaseAsync());
        await using var after = await peer.AcquireManyAsync(_marketplace, postings, new BidLockAcquireOptions(TimeSpan.Zero), cancel);

        Assert.Equal(RedisCluster.Masters, owners);
        Assert.Empty(heldElsewhere);
        Assert.All(postings, posting => Assert.True(after.GetFencingToken(posting) > set.GetFencingToken(posting), posting));
        Assert.Equal(0, manager.GetMetrics().BackendErrors + peer.GetMetrics().BackendErrors);
    }

    private EndPoint OwnerOf(string posting)
    {
        var slot = _raw.GetHashSlot(RedisTestConnections.LockKey(_marketplace, posting));
        var anyMaster = _raw.GetServer(IPAddress.Loopback.ToString(), cluster.Nodes[0].Port);
        return anyMaster.ClusterConfiguration!.GetBySlot(slot)!.EndPoint!;
    }
}
