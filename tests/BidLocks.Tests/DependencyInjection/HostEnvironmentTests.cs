using BidLocks.Tests.Sqlite;
using BidLocks.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace BidLocks.Tests.DependencyInjection;

/// <summary>
/// Under a host, <c>AddBidLocks</c> takes the deployment environment from
/// <see cref="IHostEnvironment"/>, so the Production a host logs is the Production BidLocks enforces, even when no
/// environment variable says so. Environment variables come from a table per test (empty unless the test names one).
/// </summary>
public sealed class HostEnvironmentTests : IDisposable
{
    private readonly TempDatabase _database = new();

    [Fact(Timeout = 30_000)]
    public async Task A_Production_host_without_any_environment_variable_requires_Redis()
    {
        using var host = Host("Production");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("the host's environment (IHostEnvironment.EnvironmentName)=Production requires Redis", error.Message);
        Assert.Contains("REDIS_URL", error.Message);
        Assert.False(File.Exists(_database.Path), "no SQLite file opened in Production");
    }

    [Fact(Timeout = 30_000)]
    public async Task The_hosts_Development_wins_over_a_variable_the_host_did_not_take()
    {
        using var host = Host("Development", ("DOTNET_ENVIRONMENT", "Production"));

        await host.StartAsync(TestContext.Current.CancellationToken);

        Assert.Equal(_database.Path, Assert.IsType<SqliteBidLockManager>(host.Services.GetRequiredService<IBidLockManager>()).DatabasePath);
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact(Timeout = 30_000)]
    public async Task Configured_EnvironmentName_still_wins_over_the_host()
    {
        using var host = Host("Production", configuration: ("BidLocks:EnvironmentName", "Development"));

        await host.StartAsync(TestContext.Current.CancellationToken);

        Assert.Equal("sqlite", host.Services.GetRequiredService<IBidLockManager>().Backend);
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    public void Dispose() => _database.Dispose();

    private IHost Host(string environmentName, (string Name, string? Value) variable = default, (string Key, string? Value) configuration = default)
    {
        // No defaults: the host reads neither the process environment nor appsettings files, only this test's values.
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = environmentName });
        builder.Configuration.AddInMemoryCollection([new KeyValuePair<string, string?>("BidLocks:SqlitePath", _database.Path)]);
        if (configuration.Key is not null)
        {
            builder.Configuration.AddInMemoryCollection([new KeyValuePair<string, string?>(configuration.Key, configuration.Value)]);
        }

        builder.Services.AddSingleton(new BidLockEnvironment(variable.Name is null ? TestEnvironment.Of() : TestEnvironment.Of(variable)));
        builder.Services.AddBidLocks(builder.Configuration);
        return builder.Build();
    }
}
