using BidLocks.Tests.Redis;
using BidLocks.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace BidLocks.Tests.DependencyInjection;

/// <summary>
/// An application that already has Redis in its container, registered by Aspire's
/// <c>AddRedisClient</c> / <c>AddKeyedRedisClient</c>, names it with <c>BidLocks:RedisConnectionName</c>; BidLocks locks
/// through that multiplexer and leaves it open when its manager is disposed. A real password-protected redis-server.
/// </summary>
public sealed class AspireRedisClientTests() : PasswordRedisTests("s3cret-pa55")
{
    [Fact(Timeout = 60_000)]
    public async Task The_multiplexer_from_AddRedisClient_is_used_and_left_open()
    {
        using var host = Host(builder => builder.AddRedisClient("cache"));
        await host.StartAsync(TestContext.Current.CancellationToken);
        var multiplexer = host.Services.GetRequiredService<IConnectionMultiplexer>();
        var manager = host.Services.GetRequiredService<IBidLockManager>();
        var marketplace = "mkt-" + Guid.NewGuid().ToString("N");

        await using (var lease = await manager.AcquireAsync(marketplace, "posting", cancellationToken: TestContext.Current.CancellationToken))
        {
            // The lock is in the server the application's multiplexer talks to, seen through that multiplexer.
            Assert.True(await multiplexer.GetDatabase().KeyExistsAsync($"bidlock:{{{marketplace}:posting}}"), "the lock key is not in the application's Redis");
        }

        var choice = manager.BackendChoice!;
        Assert.Equal("redis", choice.Backend);
        Assert.Contains("the container's IConnectionMultiplexer", choice.Reason);
        Assert.DoesNotContain(Password, choice.ToString());
        await manager.DisposeAsync();
        Assert.True(multiplexer.IsConnected, "the application's multiplexer was closed by BidLocks");
        Assert.True((await multiplexer.GetDatabase().PingAsync()) >= TimeSpan.Zero);
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_keyed_multiplexer_is_found_by_its_key()
    {
        using var host = Host(builder => builder.AddKeyedRedisClient("cache"));

        await host.StartAsync(TestContext.Current.CancellationToken);
        var manager = host.Services.GetRequiredService<IBidLockManager>();
        await using var lease = await manager.AcquireAsync("mkt-" + Guid.NewGuid().ToString("N"), "posting", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Contains("the container's IConnectionMultiplexer keyed 'cache'", manager.BackendChoice!.Reason);
        Assert.Same(host.Services.GetRequiredKeyedService<IConnectionMultiplexer>("cache"), Assert.IsType<RedisBidLockManager>(manager).Connection);
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    private IHost Host(Action<HostApplicationBuilder> addRedis)
    {
        // Production: Redis is required, so a lock that silently went elsewhere would fail the start, not pass.
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(
        [
            new KeyValuePair<string, string?>("ConnectionStrings:cache", $"127.0.0.1:{Server.Port},password={Password}"),
            new KeyValuePair<string, string?>("BidLocks:RedisConnectionName", "cache"),
        ]);
        addRedis(builder);
        builder.Services.AddSingleton(new BidLockEnvironment(TestEnvironment.Of()));
        builder.Services.AddBidLocks(builder.Configuration);
        return builder.Build();
    }
}
