using System.Diagnostics;
using System.Globalization;
using System.Net;
using BidLocks.Tests.Redis;
using StackExchange.Redis;

namespace BidLocks.Tests.Cluster;

/// <summary>
/// The Redis backend on a real three-master Redis Cluster: every key of a lock carries one hash tag, so each Lua step
/// runs on the one node that owns the posting's slot (no CROSSSLOT), and the release notification, an ordinary
/// PUBLISH, reaches subscribers on every node.
/// </summary>
public sealed class RedisClusterTests(RedisCluster cluster, ITestOutputHelper output) : IClassFixture<RedisCluster>, IAsyncLifetime
{
    private const int Slots = 16384;
    private readonly string _marketplace = "mkt-" + Guid.NewGuid().ToString("N");
    private readonly RedisCluster _cluster = cluster;
    private ConnectionMultiplexer _raw = null!;

    public async ValueTask InitializeAsync() => _raw = await _cluster.RawAsync();

    public ValueTask DisposeAsync()
    {
        _raw.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact(Timeout = 300_000)]
    public async Task Acquire_release_and_fences_work_for_a_posting_on_every_one_of_the_16384_slots()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var manager = await ConnectAsync();
        var postings = OnePostingPerSlot();
        var clock = Stopwatch.StartNew();

        var first = await ForEachPostingAsync(postings, posting => manager.AcquireAsync(_marketplace, posting, TimeSpan.FromSeconds(30), cancel).AsTask());
        var heldKeys = await KeysPerMasterAsync();
        var released = await ForEachPostingAsync(postings, posting => first[posting].ReleaseAsync().AsTask());
        var second = await ForEachPostingAsync(postings, posting => manager.AcquireAsync(_marketplace, posting, TimeSpan.FromSeconds(30), cancel).AsTask());
        await ForEachPostingAsync(postings, posting => second[posting].ReleaseAsync().AsTask());
        var leftKeys = await KeysPerMasterAsync();
        clock.Stop();

        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Cluster of {RedisCluster.Masters} masters: {Slots} postings, one per slot, acquired, released and acquired again in {clock.Elapsed.TotalSeconds:F1} s; "
                + $"keys per master while held: {string.Join(", ", heldKeys)}"));
        Assert.All(released, pair => Assert.True(pair.Value));
        Assert.All(postings, posting => Assert.True(second[posting].FencingToken > first[posting].FencingToken, posting));
        // A lock key and a fence key per posting while held, spread over every master; only the fences are left after.
        Assert.Equal(2 * Slots, heldKeys.Sum());
        Assert.All(heldKeys, count => Assert.True(count > 2 * Slots / RedisCluster.Masters / 2, $"{count} keys on one master"));
        Assert.Equal(Slots, leftKeys.Sum());
        Assert.Equal(0, manager.GetMetrics().BackendErrors);
    }

    [Fact(Timeout = 120_000)]
    public async Task Renewal_extends_leases_on_every_master()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var manager = await ConnectAsync();
        await using var other = await ConnectAsync();
        var ttl = TimeSpan.FromMilliseconds(1500);
        var postings = PostingsOnEveryMaster(perMaster: 4);
        var leases = await ForEachPostingAsync(postings, posting => manager.AcquireAsync(_marketplace, posting, new BidLockAcquireOptions(Ttl: ttl), cancel).AsTask());

        // The bodies' own work: several TTLs, which only renewal survives.
        await Task.Delay(ttl * 3, cancel);

        Assert.All(leases.Values, lease => Assert.True(lease.IsHeld, lease.ToString()));
        Assert.True(manager.GetMetrics().LeaseExtensions >= 3 * postings.Count, manager.GetMetrics().ToString());
        foreach (var posting in postings)
        {
            Assert.Null(await other.TryAcquireAsync(_marketplace, posting, TimeSpan.Zero, cancel));
            Assert.True(await _raw.GetDatabase().KeyTimeToLiveAsync(RedisTestConnections.LockKey(_marketplace, posting)) > TimeSpan.Zero);
        }

        foreach (var lease in leases.Values)
        {
            Assert.True(await lease.ReleaseAsync());
        }

        Assert.Equal(0, manager.GetMetrics().BackendErrors + other.GetMetrics().BackendErrors);
    }

    [Fact(Timeout = 120_000)]
    public async Task Waiters_of_another_instance_are_handed_the_lock_and_notified_on_every_master()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var holder = await ConnectAsync();
        await using var waiter = await ConnectAsync();
        var postings = PostingsOnEveryMaster(perMaster: 2);
        var lockKeys = postings.Select(posting => RedisTestConnections.LockKey(_marketplace, posting)).ToHashSet();
        var notified = new HashSet<string>();
        var allNotified = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _raw.GetSubscriber().SubscribeAsync(RedisChannel.Literal("bidlock:released"), (_, message) =>
        {
            // Each message is "<sender>|<lock key>".
            var text = (string)message!;
            lock (notified)
            {
                notified.Add(text[(text.IndexOf('|', StringComparison.Ordinal) + 1)..]);
                if (lockKeys.IsSubsetOf(notified))
                {
                    allNotified.TrySetResult();
                }
            }
        });

        foreach (var posting in postings)
        {
            var held = await holder.AcquireAsync(_marketplace, posting, cancellationToken: cancel);
            var queueKey = RedisTestConnections.LockKey(_marketplace, posting) + ":queue";
            var next = Task.Run(async () => await waiter.AcquireAsync(_marketplace, posting, TimeSpan.FromSeconds(30), cancel), cancel);
            // The waiter has queued (the queue key exists on the posting's node): the release must hand over.
            while (!await _raw.GetDatabase().KeyExistsAsync(queueKey))
            {
                await Task.Delay(10, cancel);
            }

            Assert.True(await held.ReleaseAsync());
            await using var handed = await next;
            Assert.True(handed.FencingToken > held.FencingToken);
        }

        // The manual, holder-named form too.
        Assert.True(await holder.AcquireLockAsync(_marketplace, postings[0], "named-holder", cancellationToken: cancel));
        Assert.False(await waiter.ReleaseLockAsync(_marketplace, postings[0], "someone-else", cancel));
        Assert.True(await holder.ReleaseLockAsync(_marketplace, postings[0], "named-holder", cancel));

        // PUBLISH in a cluster reaches every node's subscribers: each hand-over was announced.
        await allNotified.Task.WaitAsync(TimeSpan.FromSeconds(20), cancel);
        Assert.Equal(0, holder.GetMetrics().BackendErrors + waiter.GetMetrics().BackendErrors);
        Assert.Equal(BidLockHealthStatus.Healthy, (await holder.CheckHealthAsync(cancel)).Status);
    }

    [Fact(Timeout = 120_000)]
    public async Task The_README_ACL_user_with_cluster_discovery_locks_on_every_master()
    {
        var cancel = TestContext.Current.CancellationToken;
        // The README's line plus the two commands its "Redis Cluster" note adds; ACL users are per node.
        var words = Security.RedisAclTests.ReadmeAclLine()[1..].Select(word => (object)(word == ">password" ? ">cluster-Pa55" : word)).Append("+cluster|slots").Append("+cluster|nodes").ToArray();
        foreach (var node in _cluster.Nodes)
        {
            await _raw.GetServer(IPAddress.Loopback.ToString(), node.Port).ExecuteAsync("ACL", words);
        }

        var url = $"redis://bidlocks:cluster-Pa55@127.0.0.1:{_cluster.Nodes[0].Port}";
        await using var holder = await RedisBidLockManager.ConnectAsync(new BidLockOptions { RedisUrl = url }, cancel);
        await using var waiter = await RedisBidLockManager.ConnectAsync(new BidLockOptions { RedisUrl = url }, cancel);
        foreach (var posting in PostingsOnEveryMaster(perMaster: 2))
        {
            var held = await holder.AcquireAsync(_marketplace, posting, cancellationToken: cancel);
            var next = Task.Run(async () => await waiter.AcquireAsync(_marketplace, posting, TimeSpan.FromSeconds(30), cancel), cancel);
            Assert.True(await held.ReleaseAsync());
            await using var handed = await next;
            Assert.True(handed.FencingToken > held.FencingToken);
        }

        Assert.Equal(0, holder.GetMetrics().BackendErrors + waiter.GetMetrics().BackendErrors);
    }

    [Fact(Timeout = 120_000)]
    public async Task Inspection_lists_the_held_locks_of_every_master_longest_first()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var holder = await ConnectAsync();
        await using var inspector = await ConnectAsync();
        var postings = PostingsOnEveryMaster(perMaster: 4);
        var leases = new List<BidLockLease>();
        foreach (var posting in postings)
        {
            leases.Add(await holder.AcquireAsync(_marketplace, posting, cancellationToken: cancel));
        }

        var held = await inspector.ListHeldAsync(_marketplace, 100, cancel);
        var top = await inspector.ListHeldAsync(_marketplace, 3, cancel);
        var one = await inspector.InspectAsync(_marketplace, postings[^1], cancel);

        // Every master's locks, not only those of the node the client asked first.
        Assert.Equal(postings.Order(), held.Select(info => info.PostingId).Order());
        Assert.Equal(leases.Select(lease => lease.HolderId).Order(), held.Select(info => info.HolderId).Order());
        Assert.True(held.Zip(held.Skip(1)).All(pair => pair.First.HeldSince <= pair.Second.HeldSince), "longest-held first");
        Assert.Equal(held.Take(3).Select(info => info.Key), top.Select(info => info.Key));
        Assert.Equal(leases[^1].HolderId, one?.HolderId);
        foreach (var lease in leases)
        {
            await lease.ReleaseAsync();
        }

        Assert.Empty(await inspector.ListHeldAsync(_marketplace, 100, cancel));
    }

    private Task<RedisBidLockManager> ConnectAsync()
        => RedisBidLockManager.ConnectAsync(new BidLockOptions { RedisUrl = _cluster.Url }, TestContext.Current.CancellationToken);

    /// <summary>Posting ids whose lock keys fall one on each slot, found by hashing candidates.</summary>
    private List<string> OnePostingPerSlot()
    {
        var bySlot = new string?[Slots];
        var found = 0;
        for (var i = 0; found < Slots; i++)
        {
            var posting = "p" + i.ToString(CultureInfo.InvariantCulture);
            var slot = _raw.HashSlot(RedisTestConnections.LockKey(_marketplace, posting));
            if (bySlot[slot] is null)
            {
                bySlot[slot] = posting;
                found++;
            }
        }

        return [.. bySlot.Select(posting => posting!)];
    }

    private List<string> PostingsOnEveryMaster(int perMaster)
    {
        var masters = _cluster.Nodes.Select(node => _raw.GetServer(IPAddress.Loopback.ToString(), node.Port)).ToList();
        var chosen = masters.ToDictionary(master => master.EndPoint, _ => new List<string>());
        for (var i = 0; chosen.Values.Any(list => list.Count < perMaster); i++)
        {
            var posting = "q" + i.ToString(CultureInfo.InvariantCulture);
            // The slot's owner by the cluster's own map (works on StackExchange.Redis 2.8, which has no GetServer(RedisKey)).
            var slot = _raw.GetHashSlot(RedisTestConnections.LockKey(_marketplace, posting));
            var owner = masters[0].ClusterConfiguration!.GetBySlot(slot)!.EndPoint;
            var list = chosen.First(pair => pair.Key.Equals(owner)).Value;
            if (list.Count < perMaster)
            {
                list.Add(posting);
            }
        }

        return [.. chosen.Values.SelectMany(list => list)];
    }

    /// <summary>This test's keys on each master, counted by SCAN (other tests of the class share the cluster).</summary>
    private async Task<int[]> KeysPerMasterAsync()
    {
        var counts = new List<int>();
        foreach (var node in _cluster.Nodes)
        {
            var count = 0;
            await foreach (var _ in _raw.GetServer(IPAddress.Loopback.ToString(), node.Port).KeysAsync(pattern: $"bidlock:{{{_marketplace}:*", pageSize: 1000))
            {
                count++;
            }

            counts.Add(count);
        }

        return [.. counts];
    }

    private static async Task<Dictionary<string, T>> ForEachPostingAsync<T>(IReadOnlyList<string> postings, Func<string, Task<T>> step)
    {
        // Many steps in flight at once, as many callers would have, but bounded.
        var results = new System.Collections.Concurrent.ConcurrentDictionary<string, T>();
        await Parallel.ForEachAsync(postings, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (posting, _) => results[posting] = await step(posting));
        return new Dictionary<string, T>(results);
    }
}
