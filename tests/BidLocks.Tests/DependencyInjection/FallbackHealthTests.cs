using BidLocks.Tests.Sqlite;
using BidLocks.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace BidLocks.Tests.DependencyInjection;

/// <summary>
/// A named Redis that was unreachable at start, so that the manager fell back to SQLite (only where
/// the application opted in), shows as Degraded with the reason, in the manager's own health and in the container's
/// health check, without the password. "Unreachable" is a free 127.0.0.1 port with nothing listening.
/// </summary>
public sealed class FallbackHealthTests : IDisposable
{
    private const string Password = "s3cret-pa55";
    private readonly TempDatabase _database = new();

    [Fact(Timeout = 60_000)]
    public async Task A_Redis_that_fell_back_to_SQLite_is_Degraded_with_the_reason()
    {
        var url = TestEnvironment.UnreachableRedisUrl(Password);
        var port = new Uri(url).Port;
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(new BidLockEnvironment(TestEnvironment.Of(("DOTNET_ENVIRONMENT", "Development"), ("REDIS_URL", url), ("BIDLOCKS_ALLOW_SQLITE_FALLBACK", "true"))));
        services.AddBidLocks(options =>
        {
            options.SqlitePath = _database.Path;
            options.RedisConnectTimeout = TimeSpan.FromMilliseconds(500);
        });
        await using var provider = services.BuildServiceProvider();

        var manager = provider.GetRequiredService<IBidLockManager>();
        var health = await manager.CheckHealthAsync(TestContext.Current.CancellationToken);
        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(TestContext.Current.CancellationToken);

        Assert.Equal("sqlite", manager.Backend);
        Assert.Equal(BidLockHealthStatus.Degraded, health.Status);
        Assert.Contains($"127.0.0.1:{port}", health.Description);
        Assert.Contains("unreachable at start", health.Description);
        Assert.Contains(_database.Path, health.Description);
        var entry = report.Entries["bidlocks"];
        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.StartsWith(health.Description[..health.Description.IndexOf("Cause:", StringComparison.Ordinal)], entry.Description);
        Assert.Equal("redis", entry.Data["fellBackFrom"]);
        Assert.DoesNotContain(Password, health.Description);
        Assert.DoesNotContain(Password, string.Join(" ", entry.Data.Values));
    }

    // Without the opt-in there is no fallback, and a container that serves health anyway says Unhealthy.
    [Fact(Timeout = 60_000)]
    public async Task Without_the_opt_in_an_unreachable_Redis_is_Unhealthy_and_nothing_runs_on_SQLite()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(new BidLockEnvironment(TestEnvironment.Of(("DOTNET_ENVIRONMENT", "Development"), ("REDIS_URL", TestEnvironment.UnreachableRedisUrl(Password)))));
        services.AddBidLocks(options =>
        {
            options.SqlitePath = _database.Path;
            options.RedisConnectTimeout = TimeSpan.FromMilliseconds(500);
        });
        await using var provider = services.BuildServiceProvider();

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(TestContext.Current.CancellationToken);

        var entry = report.Entries["bidlocks"];
        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains("unreachable", entry.Description);
        Assert.Contains("BIDLOCKS_ALLOW_SQLITE_FALLBACK", entry.Description);
        Assert.DoesNotContain(Password, entry.Description);
        Assert.False(File.Exists(_database.Path), "no SQLite file was opened");
    }

    [Fact(Timeout = 60_000)]
    public async Task SQLite_chosen_on_purpose_stays_Healthy()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(new BidLockEnvironment(TestEnvironment.Of(("DOTNET_ENVIRONMENT", "Development"))));
        services.AddBidLocks(options => options.SqlitePath = _database.Path);
        await using var provider = services.BuildServiceProvider();

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HealthStatus.Healthy, report.Entries["bidlocks"].Status);
        Assert.False(report.Entries["bidlocks"].Data.ContainsKey("fellBackFrom"));
    }

    public void Dispose() => _database.Dispose();
}
