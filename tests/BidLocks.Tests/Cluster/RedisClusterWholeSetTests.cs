using BidLocks.Tests.Redis;
using BidLocks.Tests.Support;
using StackExchange.Redis;

namespace BidLocks.Tests.Cluster;

/// <summary>
/// Sets taken whole on a real Redis Cluster: postings of one hash slot go in one script; a set across slots
/// is taken slot by slot, each slot whole. Either way, a set that waits holds none of the postings of the slot it
/// waits in.
/// </summary>
public sealed class RedisClusterWholeSetTests(RedisCluster cluster) : IClassFixture<RedisCluster>, IAsyncLifetime
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
    public async Task A_set_in_one_slot_waits_holding_none_of_it_and_then_takes_it_whole()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var manager = await RedisBidLockManager.ConnectAsync(new BidLockOptions { RedisUrl = cluster.Url }, cancel);
        await using var peer = await RedisBidLockManager.ConnectAsync(new BidLockOptions { RedisUrl = cluster.Url }, cancel);
        var (first, second) = TwoPostingsOfOneSlot();

        // The second is busy: the set waits, and the first stays free for anyone.
        var blocker = await peer.AcquireAsync(_marketplace, second, TimeSpan.FromSeconds(10), cancel);
        var set = Task.Run(() => manager.AcquireManyAsync(_marketplace, [first, second], new BidLockAcquireOptions(TimeSpan.FromSeconds(30)), cancel).AsTask(), cancel);
        await Poll.UntilAsync(() => manager.GetMetrics().LockConflicts > 0, TimeSpan.FromSeconds(20), "the set finding its second posting taken");
        var other = await peer.TryAcquireAsync(_marketplace, first, TimeSpan.Zero, cancel);
        Assert.NotNull(other);
        Assert.True(await other.ReleaseAsync());

        Assert.True(await blocker.ReleaseAsync());
        await using var lease = await set.WaitAsync(TimeSpan.FromSeconds(30), cancel);
        Assert.True(lease.IsHeld);
        Assert.True(lease.GetFencingToken(second) > blocker.FencingToken);
        Assert.Null(await peer.TryAcquireAsync(_marketplace, first, TimeSpan.Zero, cancel));
        Assert.Equal(0, manager.GetMetrics().BackendErrors + peer.GetMetrics().BackendErrors);
    }

    [Fact(Timeout = 120_000)]
    public async Task Sets_across_slots_and_within_one_never_overlap()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var manager = await RedisBidLockManager.ConnectAsync(new BidLockOptions { RedisUrl = cluster.Url }, cancel);
        await using var peer = await RedisBidLockManager.ConnectAsync(new BidLockOptions { RedisUrl = cluster.Url }, cancel);
        var (first, second) = TwoPostingsOfOneSlot();
        string[][] sets = [[first, second, "x1"], ["x1", second], [second, "x2", first], ["x2", "x1"]];

        // Four flows on two managers take overlapping sets in different orders; each counts who is inside each posting.
        var inside = new Dictionary<string, int>(StringComparer.Ordinal);
        var overlaps = 0;
        var held = 0;
        var flows = sets.Select((postings, index) => Task.Run(async () =>
        {
            var locks = index % 2 == 0 ? manager : peer;
            for (var round = 0; round < 15; round++)
            {
                await using var lease = await locks.AcquireManyAsync(_marketplace, postings, new BidLockAcquireOptions(TimeSpan.FromSeconds(60)), cancel);
                lock (inside)
                {
                    foreach (var posting in postings)
                    {
                        inside[posting] = inside.GetValueOrDefault(posting) + 1;
                        overlaps += inside[posting] > 1 ? 1 : 0;
                    }
                }

                await Task.Delay(2, cancel);
                lock (inside)
                {
                    foreach (var posting in postings)
                    {
                        inside[posting]--;
                    }

                    held++;
                }
            }
        }, cancel)).ToArray();
        await Task.WhenAll(flows).WaitAsync(TimeSpan.FromSeconds(100), cancel);

        Assert.Equal(0, overlaps);
        Assert.Equal(60, held);
        Assert.Equal(0, manager.GetMetrics().BackendErrors + peer.GetMetrics().BackendErrors);
    }

    /// <summary>Two postings whose lock keys hash to one slot (found by trying names: a few hundred do), in lock order.</summary>
    private (string First, string Second) TwoPostingsOfOneSlot()
    {
        var seen = new Dictionary<int, string>();
        for (var i = 0; ; i++)
        {
            var posting = "s" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!seen.TryAdd(_raw.GetHashSlot(RedisTestConnections.LockKey(_marketplace, posting)), posting))
            {
                // In lock order, so that the one made busy is the one a set taken posting by posting would reach last.
                var earlier = seen[_raw.GetHashSlot(RedisTestConnections.LockKey(_marketplace, posting))];
                return string.CompareOrdinal(earlier, posting) < 0 ? (earlier, posting) : (posting, earlier);
            }
        }
    }
}
