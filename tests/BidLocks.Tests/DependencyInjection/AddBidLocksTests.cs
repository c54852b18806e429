using BidLocks.Tests.Sqlite;
using BidLocks.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BidLocks.Tests.DependencyInjection;

/// <summary>
/// <c>AddBidLocks</c> in a real container (and a real generic host) on real SQLite files. Environment variables come
/// from a table per test, registered in place of the process environment.
/// </summary>
public sealed class AddBidLocksTests : IDisposable
{
    private readonly TempDatabase _database = new();
    private readonly string _marketplace = "mkt-" + Guid.NewGuid().ToString("N");

    [Fact(Timeout = 30_000)]
    public async Task The_options_overload_registers_one_manager_for_the_container()
    {
        var services = Services();
        services.AddBidLocks(options => options.SqlitePath = _database.Path);
        await using var provider = services.BuildServiceProvider();

        var manager = provider.GetRequiredService<IBidLockManager>();

        Assert.Same(manager, provider.GetRequiredService<IBidLockManager>());
        Assert.Equal(_database.Path, Assert.IsType<SqliteBidLockManager>(manager).DatabasePath);
        await using var lease = await manager.AcquireAsync(_marketplace, "posting", cancellationToken: TestContext.Current.CancellationToken);
    }

    [Fact(Timeout = 30_000)]
    public async Task The_parameterless_overload_follows_the_environment()
    {
        var services = Services(("DOTNET_ENVIRONMENT", "Development"), ("BIDLOCKS_SQLITE_PATH", _database.Path));
        services.AddBidLocks();
        await using var provider = services.BuildServiceProvider();

        var manager = provider.GetRequiredService<IBidLockManager>();

        Assert.Equal(_database.Path, Assert.IsType<SqliteBidLockManager>(manager).DatabasePath);
        await using var lease = await manager.AcquireAsync(_marketplace, "posting", TimeSpan.Zero, TestContext.Current.CancellationToken);
    }

    [Fact(Timeout = 30_000)]
    public async Task The_configuration_overload_binds_the_BidLocks_section()
    {
        var configuration = Configuration(
            ("BidLocks:SqlitePath", _database.Path),
            ("BidLocks:KeyPrefix", "bids:"),
            ("BidLocks:InstanceId", "bidder-3"),
            ("BidLocks:DefaultTimeout", "00:00:03"),
            ("BidLocks:DefaultTtl", "00:00:12"),
            ("BidLocks:MaxHold", "00:02:00"),
            ("BidLocks:SqliteBusyTimeout", "00:00:02"),
            ("BidLocks:UseRedis", "false"),
            ("Unrelated:KeyPrefix", "ignored"));
        var services = Services();
        services.AddBidLocks(configuration);
        await using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<BidLockOptions>>().Value;
        var manager = provider.GetRequiredService<IBidLockManager>();

        Assert.Equal(("bids:", "bidder-3", false), (options.KeyPrefix, options.InstanceId, options.UseRedis));
        Assert.Equal((TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(12), TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(2)), (options.DefaultTimeout, options.DefaultTtl, options.MaxHold, options.SqliteBusyTimeout));
        await using var lease = await manager.AcquireAsync(_marketplace, "posting", cancellationToken: TestContext.Current.CancellationToken);
        Assert.StartsWith("bidder-3:", lease.HolderId);
        Assert.True(lease.ExpiresAt < DateTimeOffset.UtcNow + TimeSpan.FromSeconds(13));
    }

    [Fact(Timeout = 30_000)]
    public async Task The_section_itself_may_be_passed()
    {
        var services = Services();
        services.AddBidLocks(Configuration(("BidLocks:SqlitePath", _database.Path)).GetSection("BidLocks"));
        await using var provider = services.BuildServiceProvider();

        Assert.Equal(_database.Path, provider.GetRequiredService<IOptions<BidLockOptions>>().Value.SqlitePath);
        await using var lease = await provider.GetRequiredService<IBidLockManager>().AcquireAsync(_marketplace, "posting", cancellationToken: TestContext.Current.CancellationToken);
    }

    [Fact(Timeout = 30_000)]
    public async Task Bound_configuration_wins_over_the_environment()
    {
        var services = Services(
            ("USE_REDIS_LOCKS", "true"), ("REDIS_URL", TestEnvironment.UnreachableRedisUrl()), ("DOTNET_ENVIRONMENT", "Production"), ("BIDLOCKS_SQLITE_PATH", _database.File("env.db")));
        services.AddBidLocks(Configuration(("BidLocks:UseRedis", "false"), ("BidLocks:EnvironmentName", "Development"), ("BidLocks:SqlitePath", _database.Path)));
        await using var provider = services.BuildServiceProvider();

        var manager = provider.GetRequiredService<IBidLockManager>();

        Assert.Equal(_database.Path, Assert.IsType<SqliteBidLockManager>(manager).DatabasePath);
        await using var lease = await manager.AcquireAsync(_marketplace, "posting", cancellationToken: TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Invalid_options_fail_validation_at_start_naming_the_setting()
    {
        var services = Services();
        services.AddBidLocks(Configuration(("BidLocks:KeyPrefix", "bad{prefix"), ("BidLocks:SqlitePath", _database.Path)));
        await using var provider = services.BuildServiceProvider();

        var atStart = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        var atUse = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IBidLockManager>());

        Assert.Contains("BidLocks:KeyPrefix", atStart.Message);
        Assert.Contains("BidLocks:KeyPrefix", atUse.Message);
        Assert.False(File.Exists(_database.Path));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_host_with_invalid_options_does_not_start()
    {
        using var host = Host(("BidLocks:SqlitePath", _database.Path), ("BidLocks:DefaultTtl", "-00:00:01"));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("BidLocks:DefaultTtl", error.Message);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_host_in_Production_without_Redis_does_not_start_and_says_what_to_set()
    {
        using var host = Host(("BidLocks:EnvironmentName", "Production"), ("BidLocks:SqlitePath", _database.Path));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("requires Redis", error.Message);
        Assert.Contains("REDIS_URL", error.Message);
        Assert.False(File.Exists(_database.Path));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_host_opens_the_backend_while_it_starts()
    {
        using var host = Host(("BidLocks:SqlitePath", _database.Path));

        await host.StartAsync(TestContext.Current.CancellationToken);

        Assert.True(File.Exists(_database.Path), "opened during start, before any lock was asked for");
        await using var lease = await host.Services.GetRequiredService<IBidLockManager>().AcquireAsync(_marketplace, "posting", cancellationToken: TestContext.Current.CancellationToken);
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task The_manager_logs_through_the_containers_logger_factory()
    {
        var logs = new CapturingLoggerFactory();
        var services = Services();
        services.AddSingleton<ILoggerFactory>(logs);
        services.AddBidLocks(options => options.SqlitePath = _database.Path);
        await using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IBidLockManager>();

        Assert.Single(logs.Entries, entry => entry.Message.StartsWith("BidLocks uses the sqlite lock backend", StringComparison.Ordinal));
    }

    [Fact(Timeout = 30_000)]
    public async Task The_health_check_reports_the_backend()
    {
        var services = Services();
        services.AddBidLocks(options => options.SqlitePath = _database.Path);
        await using var provider = services.BuildServiceProvider();

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(TestContext.Current.CancellationToken);

        var entry = Assert.Single(report.Entries);
        Assert.Equal("bidlocks", entry.Key);
        Assert.Equal(HealthStatus.Healthy, entry.Value.Status);
        Assert.Equal("sqlite", entry.Value.Data["backend"]);
        Assert.Contains(_database.Path, entry.Value.Description);
    }

    [Fact(Timeout = 30_000)]
    public async Task An_unusable_backend_shows_as_unhealthy()
    {
        var services = Services();
        services.AddBidLocks(options => options.SqlitePath = _database.File("missing/locks.db"));
        await using var provider = services.BuildServiceProvider();

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HealthStatus.Unhealthy, report.Entries["bidlocks"].Status);
        Assert.Contains(_database.File("missing/locks.db"), report.Entries["bidlocks"].Description);
    }

    [Fact(Timeout = 30_000)]
    public async Task Adding_twice_registers_one_of_each()
    {
        var services = Services();
        services.AddBidLocks(options => options.SqlitePath = _database.Path);
        services.AddBidLocks();
        await using var provider = services.BuildServiceProvider();

        Assert.Single(services, descriptor => descriptor.ServiceType == typeof(IBidLockManager));
        Assert.Single(provider.GetServices<IHostedService>().OfType<BidLockStartupService>());
        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(TestContext.Current.CancellationToken);
        Assert.Single(report.Entries);
    }

    [Theory(Timeout = 30_000)]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Disposing_the_container_releases_held_leases_and_closes_the_database(bool asynchronously)
    {
        var services = Services();
        services.AddBidLocks(options => options.SqlitePath = _database.Path);
        var provider = services.BuildServiceProvider();
        var lease = await provider.GetRequiredService<IBidLockManager>().AcquireAsync(_marketplace, "posting", cancellationToken: TestContext.Current.CancellationToken);

        if (asynchronously)
        {
            await provider.DisposeAsync();
        }
        else
        {
            provider.Dispose();
        }

        Assert.False(lease.IsHeld);
        // SQLite removes the write-ahead log when the last connection to the file closes.
        Assert.False(File.Exists(_database.Path + "-wal"), "a connection is still open");
        await using var other = new SqliteBidLockManager(_database.Path);
        await using var next = await other.AcquireAsync(_marketplace, "posting", TimeSpan.Zero, TestContext.Current.CancellationToken);
        Assert.True(next.FencingToken > lease.FencingToken);
    }

    public void Dispose() => _database.Dispose();

    private static ServiceCollection Services(params (string Name, string? Value)[] environment)
    {
        // Logging as every host has it (the health check service needs it).
        var services = new ServiceCollection();
        services.AddLogging();
        // Without a table of its own, a test runs as on a developer's machine: no environment at all means Production.
        services.AddSingleton(new BidLockEnvironment(environment.Length == 0 ? TestEnvironment.Of(("DOTNET_ENVIRONMENT", "Development")) : TestEnvironment.Of(environment)));
        return services;
    }

    private static IConfiguration Configuration(params (string Key, string? Value)[] values)
        => new ConfigurationBuilder().AddInMemoryCollection(values.Select(value => new KeyValuePair<string, string?>(value.Key, value.Value))).Build();

    private static IHost Host(params (string Key, string? Value)[] configuration)
    {
        // No defaults: the host reads neither the process environment nor appsettings files, only this test's values.
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Development" });
        builder.Configuration.AddInMemoryCollection(configuration.Select(value => new KeyValuePair<string, string?>(value.Key, value.Value)));
        builder.Services.AddSingleton(new BidLockEnvironment(TestEnvironment.Of()));
        builder.Services.AddBidLocks(builder.Configuration);
        return builder.Build();
    }
}
