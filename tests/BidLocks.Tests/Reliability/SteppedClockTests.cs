using System.Diagnostics;
using BidLocks.Tests.Redis;
using BidLocks.Tests.Support;

namespace BidLocks.Tests.Reliability;

/// <summary>
/// A client whose wall clock is stepped back an hour while it holds a lease. The lease times itself on the monotonic
/// clock, so its hold cap and its loss while a renewal hangs come when they should, not an hour late.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class SteppedClockTests(SharedRedisServer redis)
{
    private static readonly TimeSpan Step = TimeSpan.FromHours(1);
    private readonly string _marketplace = "mkt-" + Guid.NewGuid().ToString("N");

    public static TheoryData<string> Backends => ["in-memory", "redis"];

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(Backends))]
    public async Task The_hold_cap_fires_on_time_after_the_wall_clock_steps_back(string backend)
    {
        var cancel = TestContext.Current.CancellationToken;
        var clock = new SteppedWallClock();
        await using var manager = await CreateAsync(backend, clock);
        var maxHold = TimeSpan.FromMilliseconds(600);
        var lease = await manager.AcquireAsync(_marketplace, "capped", new BidLockAcquireOptions(Ttl: TimeSpan.FromMilliseconds(300), MaxHold: maxHold), cancel);
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lease.LostToken.Register(() => lost.TrySetResult());
        var held = Stopwatch.StartNew();

        clock.StepBack(Step);

        // Ten seconds is far past the 600 ms cap, and far short of the hour a wall-clock cap would wait.
        await lost.Task.WaitAsync(TimeSpan.FromSeconds(10), cancel);
        Assert.True(held.Elapsed < TimeSpan.FromSeconds(10));
        Assert.True(lease.IsLost);
    }

    [Fact(Timeout = 120_000)]
    public async Task A_renewal_that_hangs_loses_the_lease_at_its_expiry_after_the_wall_clock_steps_back()
    {
        var cancel = TestContext.Current.CancellationToken;
        var clock = new SteppedWallClock();
        await using var server = await RedisServerProcess.StartAsync();
        await using var manager = await RedisTestConnections.ConnectAsync(server, options => options.TimeProvider = clock);
        var ttl = TimeSpan.FromMilliseconds(1500);
        var lease = await manager.AcquireAsync(_marketplace, "hung", new BidLockAcquireOptions(Ttl: ttl), cancel);
        var acquired = Stopwatch.StartNew();
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lease.LostToken.Register(() => lost.TrySetResult());

        clock.StepBack(Step);
        server.Pause();
        try
        {
            // The lease ends 1.5 s after the acquire whatever the wall clock says; 10 s is slack for a loaded machine
            // and far short of the hour a wall-clock expiry would wait.
            await lost.Task.WaitAsync(TimeSpan.FromSeconds(10), cancel);
        }
        finally
        {
            server.Resume();
        }

        Assert.True(acquired.Elapsed < ttl + TimeSpan.FromSeconds(10), $"lost after {acquired.Elapsed}");
        Assert.True(lease.IsLost);
    }

    private async Task<IBidLockManager> CreateAsync(string backend, TimeProvider clock) => backend switch
    {
        "in-memory" => new InMemoryBidLockManager(new BidLockOptions { TimeProvider = clock }),
        _ => await RedisBidLockManager.ConnectAsync(new BidLockOptions { RedisUrl = redis.Url, TimeProvider = clock }, TestContext.Current.CancellationToken),
    };
}
