using System.Diagnostics;
using BidLocks.Tests.Sqlite;
using BidLocks.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace BidLocks.Tests.DependencyInjection;

/// <summary>
/// What a <c>[BidLock]</c> attribute does not name comes from the manager's options, as configured in the
/// <c>BidLocks</c> section. The wrapper once compiled 10 / 30 / 300 s in, so a configured
/// <c>DefaultTimeout</c>, <c>DefaultTtl</c> or <c>MaxHold</c> never reached it.
/// </summary>
public sealed class GeneratedDefaultsTests : IDisposable
{
    private static readonly TimeSpan ConfiguredTimeout = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan ConfiguredTtl = TimeSpan.FromSeconds(8);

    private readonly TempDatabase _database = new();
    private readonly string _marketplace = "mkt-" + Guid.NewGuid().ToString("N");

    [Fact(Timeout = 60_000)]
    public async Task An_unnamed_TimeoutSeconds_waits_the_configured_DefaultTimeout()
    {
        await using var provider = Provider(("BidLocks:DefaultTimeout", "00:00:00.200"));
        var bidder = provider.GetRequiredService<DefaultTimingBidder>();
        await using var holder = new SqliteBidLockManager(_database.Path);
        await using var held = await holder.AcquireAsync(_marketplace, "posting", TimeSpan.Zero, TestContext.Current.CancellationToken);

        var elapsed = Stopwatch.StartNew();
        var timeout = await Assert.ThrowsAsync<BidLockTimeoutException>(() => bidder.PlaceBidAsync(_marketplace, "posting", TestContext.Current.CancellationToken));
        elapsed.Stop();

        Assert.Equal(ConfiguredTimeout, timeout.Timeout);
        // Generous for a loaded machine, yet far below the 10 s the wrapper used to wait.
        Assert.True(elapsed.Elapsed < TimeSpan.FromSeconds(5), $"The call gave up after {elapsed.Elapsed.TotalSeconds:0.00} s");
        Assert.Equal(0, bidder.Bids);
    }

    [Fact(Timeout = 60_000)]
    public async Task An_unnamed_TtlSeconds_gives_the_lease_the_configured_DefaultTtl()
    {
        await using var provider = Provider(("BidLocks:DefaultTtl", "00:00:08"));
        var bidder = provider.GetRequiredService<DefaultTimingBidder>();
        var before = DateTimeOffset.UtcNow;

        await bidder.PlaceBidAsync(_marketplace, "posting", TestContext.Current.CancellationToken);

        AssertLeaseTtl(ConfiguredTtl, before, bidder.Seen!.Value);
    }

    [Fact(Timeout = 60_000)]
    public async Task An_unnamed_MaxHoldSeconds_caps_the_hold_at_the_configured_MaxHold()
    {
        await using var provider = Provider(("BidLocks:MaxHold", "00:00:01"));
        var bidder = provider.GetRequiredService<DefaultTimingBidder>();
        var before = DateTimeOffset.UtcNow;
        bidder.DuringBody = WaitForTheLeaseToBeLost;

        // The body ends after its lease was capped: the wrapper says so rather than return as if it held the lock.
        var lost = await Assert.ThrowsAsync<BidLockLostException>(() => bidder.PlaceBidAsync(_marketplace, "posting", TestContext.Current.CancellationToken));
        Assert.Equal(BidLockLossReason.HoldCapped, lost.Reason);

        // The first hold never outlives the cap, so the lease shows the 1 s cap, not the 30 s TTL.
        AssertLeaseTtl(TimeSpan.FromSeconds(1), before, bidder.Seen!.Value);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_named_property_wins_and_the_unnamed_ones_still_follow_the_configuration()
    {
        await using var provider = Provider(("BidLocks:DefaultTimeout", "00:00:00.200"), ("BidLocks:DefaultTtl", "00:00:08"));
        var bidder = provider.GetRequiredService<DefaultTimingBidder>();
        var before = DateTimeOffset.UtcNow;

        await bidder.PlaceBidWithOwnTtlAsync(_marketplace, "posting", TestContext.Current.CancellationToken);
        AssertLeaseTtl(TimeSpan.FromSeconds(60), before, bidder.Seen!.Value);

        await using var holder = new SqliteBidLockManager(_database.Path);
        await using var held = await holder.AcquireAsync(_marketplace, "posting", TimeSpan.Zero, TestContext.Current.CancellationToken);
        var timeout = await Assert.ThrowsAsync<BidLockTimeoutException>(() => bidder.PlaceBidWithOwnTtlAsync(_marketplace, "posting", TestContext.Current.CancellationToken));
        Assert.Equal(ConfiguredTimeout, timeout.Timeout);
    }

    public void Dispose() => _database.Dispose();

    /// <summary>
    /// The lease's expiry was read from the clock between <paramref name="before"/> and the body's own reading, and
    /// renewals only move it on: so it lies within <paramref name="ttl"/> after those two instants (less the
    /// millisecond SQLite truncates its stored expiry to).
    /// </summary>
    private static void AssertLeaseTtl(TimeSpan ttl, DateTimeOffset before, (DateTimeOffset ExpiresAt, DateTimeOffset Now) seen)
        => Assert.InRange(seen.ExpiresAt, before + ttl - TimeSpan.FromMilliseconds(1), seen.Now + ttl);

    private static async Task WaitForTheLeaseToBeLost(CancellationToken bodyToken)
    {
        // The body's token fires when the lease is lost: here, when the configured cap ends the hold.
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = bodyToken.Register(() => lost.TrySetResult());
        await lost.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
    }

    private ServiceProvider Provider(params (string Key, string Value)[] configuration)
    {
        var values = configuration.Append((Key: "BidLocks:SqlitePath", Value: _database.Path))
            .Select(value => new KeyValuePair<string, string?>(value.Key, value.Value));
        var services = new ServiceCollection();
        services.AddSingleton(new BidLockEnvironment(TestEnvironment.Of(("DOTNET_ENVIRONMENT", "Development"))));
        services.AddBidLocks(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        services.AddSingleton<DefaultTimingBidder>();
        return services.BuildServiceProvider();
    }
}

/// <summary>A bidding service whose attributes leave the timing (or most of it) to the manager's options.</summary>
public sealed partial class DefaultTimingBidder(IBidLockManager locks)
{
    private int _bids;

    public int Bids => Volatile.Read(ref _bids);

    /// <summary>The lease's expiry and the wall clock, both read in the body.</summary>
    public (DateTimeOffset ExpiresAt, DateTimeOffset Now)? Seen { get; private set; }

    public Func<CancellationToken, Task>? DuringBody { get; set; }

    [BidLock("{marketplaceId}", "{postingId}")]
    public partial Task PlaceBidAsync(string marketplaceId, string postingId, CancellationToken cancellationToken);

    [BidLock("{marketplaceId}", "{postingId}", TtlSeconds = 60)]
    public partial Task PlaceBidWithOwnTtlAsync(string marketplaceId, string postingId, CancellationToken cancellationToken);

    private Task PlaceBidAsyncCore(string marketplaceId, string postingId, CancellationToken cancellationToken, BidLockLease lease)
        => BidAsync(cancellationToken, lease);

    private Task PlaceBidWithOwnTtlAsyncCore(string marketplaceId, string postingId, CancellationToken cancellationToken, BidLockLease lease)
        => BidAsync(cancellationToken, lease);

    private async Task BidAsync(CancellationToken cancellationToken, BidLockLease lease)
    {
        Seen = (lease.ExpiresAt, DateTimeOffset.UtcNow);
        Interlocked.Increment(ref _bids);
        if (DuringBody is { } during)
        {
            await during(cancellationToken);
        }
    }
}
