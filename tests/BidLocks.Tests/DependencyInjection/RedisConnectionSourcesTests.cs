using BidLocks.Tests.Redis;
using BidLocks.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace BidLocks.Tests.DependencyInjection;

/// <summary>
/// Redis named the ways .NET applications already name it: a StackExchange.Redis configuration
/// string (<c>host:port,password=…</c>) in <c>REDIS_URL</c> or under <c>ConnectionStrings:&lt;name&gt;</c>. A real
/// password-protected redis-server; the password never reaches the choice the manager reports.
/// </summary>
public sealed class RedisConnectionSourcesTests() : PasswordRedisTests("s3cret-pa55")
{
    [Fact(Timeout = 60_000)]
    public async Task A_configuration_string_in_REDIS_URL_names_the_server()
    {
        var environment = TestEnvironment.Of(("REDIS_URL", $"127.0.0.1:{Server.Port},password={Password},defaultDatabase=2"), ("DOTNET_ENVIRONMENT", "Production"));

        await using var manager = await BidLockManagerFactory.CreateAsync(new BidLockOptions(), environment, TestContext.Current.CancellationToken);
        await using var lease = await manager.AcquireAsync("mkt-" + Guid.NewGuid().ToString("N"), "posting", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("redis", manager.Backend);
        Assert.True(lease.IsHeld);
        var choice = manager.BackendChoice!;
        Assert.Equal($"redis://:***@127.0.0.1:{Server.Port}/2", choice.Location);
        Assert.Contains("REDIS_URL", choice.Reason);
        Assert.DoesNotContain(Password, choice.ToString());
    }

    [Fact(Timeout = 60_000)]
    public async Task A_connection_string_name_takes_the_server_from_ConnectionStrings()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(
        [
            new KeyValuePair<string, string?>("ConnectionStrings:cache", $"127.0.0.1:{Server.Port},password={Password},ssl=false"),
            new KeyValuePair<string, string?>("BidLocks:RedisConnectionName", "cache"),
        ]);
        builder.Services.AddSingleton(new BidLockEnvironment(TestEnvironment.Of()));
        builder.Services.AddBidLocks(builder.Configuration);
        using var host = builder.Build();

        await host.StartAsync(TestContext.Current.CancellationToken);
        var manager = host.Services.GetRequiredService<IBidLockManager>();
        await using var lease = await manager.AcquireAsync("mkt-" + Guid.NewGuid().ToString("N"), "posting", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("redis", manager.Backend);
        var choice = manager.BackendChoice!;
        Assert.Contains("ConnectionStrings:cache", choice.Reason);
        Assert.Equal($"redis://:***@127.0.0.1:{Server.Port}/0", choice.Location);
        Assert.DoesNotContain(Password, choice.ToString());
        await host.StopAsync(TestContext.Current.CancellationToken);
    }
}
