using BidLocks.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace BidLocks.Tests.Redis;

/// <summary>
/// <see cref="BidLockOptions.FenceRetention"/>: the TTL every script that hands out a fence gives the fence key, on a
/// real redis-server.
/// </summary>
public sealed class RedisFenceRetentionTests(SharedRedisServer shared)
{
    private static readonly TimeSpan TwoHours = TimeSpan.FromHours(2);

    private readonly string _marketplace = "mkt-" + Guid.NewGuid().ToString("N");

    [Fact(Timeout = 60_000)]
    public async Task The_fence_key_of_an_uncontended_acquire_lives_for_FenceRetention()
    {
        await using var manager = await RedisTestConnections.ConnectAsync(shared.Server, options => options.FenceRetention = TwoHours);
        using var raw = await RedisTestConnections.RawAsync(shared.Server);
        await using (var lease = await manager.AcquireAsync(_marketplace, "fast", cancellationToken: TestContext.Current.CancellationToken))
        {
            Assert.True(lease.FencingToken > 0);
        }

        AssertAbout(TwoHours, await FenceTtlAsync(raw, "fast"));
    }

    [Fact(Timeout = 60_000)]
    public async Task The_fence_key_of_a_hand_over_lives_for_FenceRetention()
    {
        await using var manager = await RedisTestConnections.ConnectAsync(shared.Server, options => options.FenceRetention = TwoHours);
        await using var other = await RedisTestConnections.ConnectAsync(shared.Server);
        using var raw = await RedisTestConnections.RawAsync(shared.Server);
        var cancel = TestContext.Current.CancellationToken;
        // Held by a manager with the default retention, then handed over (the queued script) to one with two hours.
        var first = await other.AcquireAsync(_marketplace, "queued", cancellationToken: cancel);
        AssertAbout(TimeSpan.FromDays(7), await FenceTtlAsync(raw, "queued"));
        var waiter = manager.AcquireAsync(_marketplace, "queued", TimeSpan.FromSeconds(30), cancel).AsTask();
        var lockKey = RedisTestConnections.LockKey(_marketplace, "queued");
        while (!await raw.GetDatabase().KeyExistsAsync(lockKey + ":queue"))
        {
            await Task.Delay(10, cancel);
        }

        Assert.True(await first.ReleaseAsync());
        await using var second = await waiter;

        Assert.True(second.FencingToken > first.FencingToken);
        AssertAbout(TwoHours, await FenceTtlAsync(raw, "queued"));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_forced_release_keeps_the_raised_fence_for_FenceRetention()
    {
        await using var holder = await RedisTestConnections.ConnectAsync(shared.Server);
        await using var operatorManager = await RedisTestConnections.ConnectAsync(shared.Server, options => options.FenceRetention = TwoHours);
        using var raw = await RedisTestConnections.RawAsync(shared.Server);
        var cancel = TestContext.Current.CancellationToken;
        await using var stuck = await holder.AcquireAsync(_marketplace, "forced", cancellationToken: cancel);

        var broken = await operatorManager.ForceReleaseAsync(_marketplace, "forced", "operator", cancel);

        Assert.NotNull(broken);
        AssertAbout(TwoHours, await FenceTtlAsync(raw, "forced"));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_fence_taken_on_re_entry_lives_for_FenceRetention()
    {
        await using var manager = await RedisTestConnections.ConnectAsync(shared.Server, options => options.FenceRetention = TwoHours);
        using var raw = await RedisTestConnections.RawAsync(shared.Server);
        var cancel = TestContext.Current.CancellationToken;
        await using var outer = await manager.AcquireAsync(_marketplace, "on-demand", new BidLockAcquireOptions(SkipFencingToken: true), cancel);
        Assert.Null(await FenceTtlAsync(raw, "on-demand"));

        // The inner acquire wants the token the outer one skipped: the fence script writes the key now.
        await using var inner = await manager.AcquireAsync(_marketplace, "on-demand", TimeSpan.Zero, cancel);

        Assert.True(inner.FencingToken > 0);
        AssertAbout(TwoHours, await FenceTtlAsync(raw, "on-demand"));
    }

    [Theory]
    [InlineData(-1.0)]
    [InlineData(0.0)]
    [InlineData(59.0)]
    [InlineData(366.0 * 24 * 60)]
    public void FenceRetention_out_of_range_is_refused_naming_the_option(double minutes)
    {
        var options = new BidLockOptions { FenceRetention = TimeSpan.FromMinutes(minutes) };

        var error = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);

        Assert.Equal(nameof(BidLockOptions.FenceRetention), error.ParamName);
        Assert.Contains("FenceRetention must be at least one hour", error.Message);
    }

    [Fact]
    public void FenceRetention_is_a_week_unless_configured_and_the_bounds_are_accepted()
    {
        Assert.Equal(TimeSpan.FromDays(7), new BidLockOptions().FenceRetention);
        new BidLockOptions { FenceRetention = BidLockOptions.MinFenceRetention }.Validate();
        new BidLockOptions { FenceRetention = BidLockOptions.MaxFenceRetention }.Validate();
    }

    [Fact]
    public async Task FenceRetention_binds_from_the_BidLocks_section_and_a_bad_value_fails_at_start_naming_it()
    {
        await using var bound = Provider(("BidLocks:FenceRetention", "2.00:00:00"));
        await using var tooShort = Provider(("BidLocks:FenceRetention", "00:10:00"));

        Assert.Equal(TimeSpan.FromDays(2), bound.GetRequiredService<IOptions<BidLockOptions>>().Value.FenceRetention);
        var error = Assert.Throws<OptionsValidationException>(() => tooShort.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains("BidLocks:FenceRetention", error.Message);
    }

    private static ServiceProvider Provider(params (string Key, string Value)[] configuration)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(new BidLockEnvironment(TestEnvironment.Of(("DOTNET_ENVIRONMENT", "Development"))));
        services.AddBidLocks(new ConfigurationBuilder()
            .AddInMemoryCollection(configuration.Select(value => new KeyValuePair<string, string?>(value.Key, value.Value)))
            .Build());
        return services.BuildServiceProvider();
    }

    private async Task<TimeSpan?> FenceTtlAsync(ConnectionMultiplexer raw, string posting)
        => await raw.GetDatabase().KeyTimeToLiveAsync(RedisTestConnections.LockKey(_marketplace, posting) + RedisKeyNames.FenceSuffix);

    // The TTL counts down from the retention from the moment the fence was written: a minute is room for a loaded machine.
    private static void AssertAbout(TimeSpan retention, TimeSpan? ttl)
    {
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, retention - TimeSpan.FromMinutes(1), retention);
    }
}
