using System.Collections.Concurrent;
using StackExchange.Redis;

namespace BidLocks.Tests.Redis;

/// <summary>Several "instances" (managers on separate multiplexers) on one Redis: exclusion, order, hand-over.</summary>
public sealed class RedisContentionTests(SharedRedisServer redis)
{
    private readonly string _marketplace = "mkt-" + Guid.NewGuid().ToString("N");

    [Fact(Timeout = 120_000)]
    public async Task Two_instances_contending_on_the_same_postings_never_overlap_and_fences_increase()
    {
        await using var one = await RedisTestConnections.ConnectAsync(redis.Server);
        await using var two = await RedisTestConnections.ConnectAsync(redis.Server);
        const int Postings = 3, WorkersPerInstance = 6, Rounds = 15;
        var inside = new int[Postings];
        var overlaps = 0;
        var fences = Enumerable.Range(0, Postings).Select(_ => new List<long>()).ToArray();
        var byInstance = new ConcurrentDictionary<IBidLockManager, int>();

        await Task.WhenAll(new[] { one, two }.SelectMany(manager => Enumerable.Range(0, WorkersPerInstance).Select(worker => Task.Run(async () =>
        {
            for (var round = 0; round < Rounds; round++)
            {
                var posting = (worker + round) % Postings;
                await using var lease = await manager.AcquireAsync(_marketplace, $"posting-{posting}", TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
                if (Interlocked.Increment(ref inside[posting]) != 1)
                {
                    Interlocked.Increment(ref overlaps);
                }

                // Recorded inside the lock, so each list is in acquisition order.
                fences[posting].Add(lease.FencingToken);
                byInstance.AddOrUpdate(manager, 1, (_, count) => count + 1);
                await Task.Yield();
                Interlocked.Decrement(ref inside[posting]);
            }
        }))));

        Assert.Equal(0, overlaps);
        Assert.Equal(2 * WorkersPerInstance * Rounds, fences.Sum(list => list.Count));
        Assert.All(fences, list => Assert.All(list.Zip(list.Skip(1)), pair => Assert.True(pair.Second > pair.First)));
        Assert.Equal(WorkersPerInstance * Rounds, byInstance[one]);
        Assert.Equal(WorkersPerInstance * Rounds, byInstance[two]);
    }

    [Fact(Timeout = 60_000)]
    public async Task Waiters_of_two_instances_take_turns_in_arrival_order()
    {
        await using var one = await RedisTestConnections.ConnectAsync(redis.Server);
        await using var two = await RedisTestConnections.ConnectAsync(redis.Server);
        await using var three = await RedisTestConnections.ConnectAsync(redis.Server);
        using var raw = await RedisTestConnections.RawAsync(redis.Server);
        var queueKey = RedisTestConnections.LockKey(_marketplace, "ordered") + ":queue";
        var cancel = TestContext.Current.CancellationToken;
        var order = new List<string>();
        var held = await one.AcquireAsync(_marketplace, "ordered", cancellationToken: cancel);

        // Each waiter joins the queue only after the one before it is in: the arrival order is known.
        var waiters = new List<Task>();
        foreach (var (name, manager) in new[] { ("two", two), ("three", three), ("one", one) })
        {
            var length = await raw.GetDatabase().SortedSetLengthAsync(queueKey);
            // Without the test's flow: "one" holds the lock here, and its waiter must not re-enter that hold.
            using (ExecutionContext.SuppressFlow())
            {
                waiters.Add(Task.Run(async () =>
                {
                    await using var lease = await manager.AcquireAsync(_marketplace, "ordered", TimeSpan.FromSeconds(30), cancel);
                    lock (order)
                    {
                        order.Add(name);
                    }
                }, cancel));
            }

            while (await raw.GetDatabase().SortedSetLengthAsync(queueKey) == length)
            {
                await Task.Delay(10, cancel);
            }
        }

        Assert.True(await held.ReleaseAsync());
        await Task.WhenAll(waiters);

        Assert.Equal(["two", "three", "one"], order);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_release_notifies_only_when_someone_waits()
    {
        await using var manager = await RedisTestConnections.ConnectAsync(redis.Server);
        await using var waiterInstance = await RedisTestConnections.ConnectAsync(redis.Server);
        using var raw = await RedisTestConnections.RawAsync(redis.Server);
        var cancel = TestContext.Current.CancellationToken;
        var messages = new List<string>();
        var sentinel = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var announced = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var lockKey = RedisTestConnections.LockKey(_marketplace, "quiet");
        await raw.GetSubscriber().SubscribeAsync(RedisChannel.Literal("bidlock:released"), (_, message) =>
        {
            var text = (string)message!;
            lock (messages)
            {
                messages.Add(text);
            }

            if (text == "sentinel")
            {
                sentinel.TrySetResult();
            }
            else if (text.EndsWith(lockKey, StringComparison.Ordinal))
            {
                announced.TrySetResult();
            }
        });

        // Uncontended: nothing is published. Messages arrive in order, so the sentinel published after the
        // release proves nothing came before it.
        var quiet = await manager.AcquireAsync(_marketplace, "quiet", cancellationToken: cancel);
        Assert.True(await quiet.ReleaseAsync());
        await raw.GetSubscriber().PublishAsync(RedisChannel.Literal("bidlock:released"), "sentinel");
        await sentinel.Task.WaitAsync(TimeSpan.FromSeconds(20), cancel);
        string[] heard;
        lock (messages)
        {
            // Other tests' releases keep arriving on the shared channel while this one reads.
            heard = [.. messages];
        }

        Assert.DoesNotContain(heard, message => message.EndsWith(lockKey, StringComparison.Ordinal));

        // Contended: the release announces the key, and the waiter of the other instance gets the lock.
        var held = await manager.AcquireAsync(_marketplace, "quiet", cancellationToken: cancel);
        var waiter = Task.Run(async () => await waiterInstance.AcquireAsync(_marketplace, "quiet", TimeSpan.FromSeconds(30), cancel), cancel);
        var queueKey = lockKey + ":queue";
        while (!await raw.GetDatabase().KeyExistsAsync(queueKey))
        {
            await Task.Delay(10, cancel);
        }

        Assert.True(await held.ReleaseAsync());
        await announced.Task.WaitAsync(TimeSpan.FromSeconds(20), cancel);
        await using var next = await waiter;
        Assert.True(next.FencingToken > held.FencingToken);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_waiter_that_gave_up_leaves_no_reservation_behind()
    {
        await using var holder = await RedisTestConnections.ConnectAsync(redis.Server);
        await using var quitter = await RedisTestConnections.ConnectAsync(redis.Server);
        await using var latecomer = await RedisTestConnections.ConnectAsync(redis.Server);
        var cancel = TestContext.Current.CancellationToken;
        var held = await holder.AcquireAsync(_marketplace, "abandoned", cancellationToken: cancel);

        Assert.Null(await quitter.TryAcquireAsync(_marketplace, "abandoned", TimeSpan.FromMilliseconds(300), cancel));
        Assert.True(await held.ReleaseAsync());

        // One try, no wait: had the quitter kept its place, the lock would be reserved for it for seconds.
        await using var next = await latecomer.TryAcquireAsync(_marketplace, "abandoned", TimeSpan.Zero, cancel);
        Assert.NotNull(next);
    }

    [Fact(Timeout = 60_000)]
    public async Task All_keys_of_a_lock_share_one_cluster_slot_and_only_the_fence_and_a_short_lived_since_record_outlive_it()
    {
        await using var one = await RedisTestConnections.ConnectAsync(redis.Server);
        await using var two = await RedisTestConnections.ConnectAsync(redis.Server);
        using var raw = await RedisTestConnections.RawAsync(redis.Server);
        var cancel = TestContext.Current.CancellationToken;
        var held = await one.AcquireAsync(_marketplace, "slots", cancellationToken: cancel);
        var waiter = Task.Run(async () => await two.AcquireAsync(_marketplace, "slots", TimeSpan.FromSeconds(30), cancel), cancel);
        var lockKey = RedisTestConnections.LockKey(_marketplace, "slots");
        while (!await raw.GetDatabase().KeyExistsAsync(lockKey + ":queue"))
        {
            await Task.Delay(10, cancel);
        }

        var server = raw.GetServer(raw.GetEndPoints()[0]);
        var keys = server.Keys(pattern: $"bidlock:{{{_marketplace}:slots}}*").Select(key => (string)key!).ToList();
        Assert.Equal(4, keys.Count);
        Assert.Single(keys.Select(key => raw.HashSlot(key)).Distinct());

        Assert.True(await held.ReleaseAsync());
        Assert.True(await (await waiter).ReleaseAsync());

        // The fence stays (a week) so fences keep rising; the waiter was handed the lock, so the record of when its hold
        // began stays until its TTL runs out (30 s, the lease's), then goes too. The queue and the lock are gone.
        var left = server.Keys(pattern: $"bidlock:{{{_marketplace}:slots}}*").Select(key => (string)key!).Order().ToList();
        Assert.Equal([lockKey + ":fence", lockKey + ":since"], left);
        Assert.NotNull(await raw.GetDatabase().KeyTimeToLiveAsync(lockKey + ":fence"));
        Assert.InRange((await raw.GetDatabase().KeyTimeToLiveAsync(lockKey + ":since"))!.Value, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(30));
    }
}
