using System.Globalization;
using BidLocks.Tests.Redis;
using BidLocks.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace BidLocks.Tests.Security;

/// <summary>
/// The Redis password, from each place it can come from, through a whole life in a container (start, locks, health,
/// Redis killed under it, failed calls, unhealthy health, disposal) and through failed starts: it never appears in a
/// log line, an exception (inner exceptions included), health output or <see cref="BidLockOptions.ToString"/>.
/// </summary>
public sealed class PasswordRedactionTests
{
    // URL-special characters, so the escaped form in a URL differs from the raw one; both are looked for.
    private const string Password = "Pw:7f3c@9a1e/Secret%";
    private readonly string _marketplace = "mkt-" + Guid.NewGuid().ToString("N");

    public static TheoryData<string> Sources => ["REDIS_URL", "REDIS_PASSWORD", "BidLockOptions.RedisUrl", "BidLockOptions.RedisPassword"];

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(Sources))]
    public async Task The_password_never_shows_through_a_whole_life_with_Redis_dying_under_it(string source)
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var server = await RedisServerProcess.StartAsync(Password);
        var logs = new CapturingLoggerFactory();
        var shown = new List<string>();
        var services = Container(source, server.Port, logs);
        var provider = services.BuildServiceProvider();
        var manager = provider.GetRequiredService<IBidLockManager>();
        var health = provider.GetRequiredService<HealthCheckService>();

        shown.Add(provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<BidLockOptions>>().Value.ToString());
        var lease = await manager.AcquireAsync(_marketplace, "posting", new BidLockAcquireOptions(Ttl: TimeSpan.FromSeconds(1)), cancel);
        shown.Add((await manager.CheckHealthAsync(cancel)).ToString());
        shown.Add(Describe(await health.CheckHealthAsync(cancel)));

        await server.KillAsync();
        shown.Add((await Assert.ThrowsAsync<BidLockUnavailableException>(async () => await manager.AcquireAsync(_marketplace, "other", TimeSpan.FromSeconds(1), cancel))).ToString());
        shown.Add((await Assert.ThrowsAsync<BidLockUnavailableException>(async () => await manager.ReleaseLockAsync(_marketplace, "other", "holder", cancel))).ToString());
        var unhealthy = await manager.CheckHealthAsync(cancel);
        shown.Add(unhealthy.ToString());
        shown.Add(Describe(await health.CheckHealthAsync(cancel)));
        // The held lease cannot be renewed: it is lost, logged, and its release at disposal fails and is logged too.
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lease.LostToken.Register(() => lost.TrySetResult());
        await lost.Task.WaitAsync(TimeSpan.FromSeconds(30), cancel);
        await provider.DisposeAsync();
        shown.Add(logs.AllText);

        Assert.Equal(BidLockHealthStatus.Unhealthy, unhealthy.Status);
        Assert.Contains(logs.Entries, entry => entry.Level == LogLevel.Error);
        Assert.Contains(logs.Entries, entry => entry.Message.Contains("Lost the redis lock", StringComparison.Ordinal));
        AssertNeverShown(shown);
    }

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(Sources))]
    public async Task A_wrong_password_fails_start_without_showing_either_password(string source)
    {
        await using var server = await RedisServerProcess.StartAsync("the-Right-one-31");
        var logs = new CapturingLoggerFactory();
        await using var provider = Container(source, server.Port, logs, production: true).BuildServiceProvider();

        // The container's start-up check is what a host runs before serving.
        var error = await Assert.ThrowsAnyAsync<Exception>(() => StartAsync(provider, TestContext.Current.CancellationToken));

        Assert.Contains("authentication failed", error.ToString());
        AssertNeverShown([error.ToString(), logs.AllText]);
        Assert.DoesNotContain("the-Right-one-31", error.ToString());
    }

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(Sources))]
    public async Task An_unreachable_Redis_falls_back_with_a_warning_that_does_not_show_the_password(string source)
    {
        var logs = new CapturingLoggerFactory();
        using var folder = new Sqlite.TempDatabase();
        var services = Container(source, TestEnvironment.FreeLoopbackPort(), logs, sqlitePath: folder.Path);
        await using var provider = services.BuildServiceProvider();

        var manager = provider.GetRequiredService<IBidLockManager>();

        Assert.Equal("sqlite", manager.Backend);
        Assert.Contains(logs.Entries, entry => entry.Level == LogLevel.Warning && entry.Message.Contains("falls back to SQLite", StringComparison.Ordinal));
        AssertNeverShown([logs.AllText, (await manager.CheckHealthAsync(TestContext.Current.CancellationToken)).ToString()]);
    }

    [Fact]
    public void Options_ToString_hides_both_passwords()
    {
        var options = new BidLockOptions { RedisUrl = $"rediss://user:{Uri.EscapeDataString(Password)}@cache:6380/2", RedisPassword = Password };

        var text = options.ToString();

        Assert.Contains("rediss://user:***@cache:6380/2", text);
        Assert.Contains("RedisPassword=***", text);
        AssertNeverShown([text]);
    }

    /// <summary>A container whose Redis settings come from <paramref name="source"/> and point at <paramref name="port"/>.</summary>
    private static ServiceCollection Container(string source, int port, ILoggerFactory logs, bool production = false, string? sqlitePath = null)
    {
        var portText = port.ToString(CultureInfo.InvariantCulture);
        (string, string?)[] environment = source switch
        {
            "REDIS_URL" => [("REDIS_URL", $"redis://:{Uri.EscapeDataString(Password)}@127.0.0.1:{portText}/0")],
            "REDIS_PASSWORD" => [("REDIS_HOST", "127.0.0.1"), ("REDIS_PORT", portText), ("REDIS_PASSWORD", Password)],
            _ => [],
        };
        var services = new ServiceCollection();
        // Logging as a host has it, with every line captured.
        services.AddLogging();
        services.AddSingleton(logs);
        // Outside Production the fallback is opted in, so that the fallback's own warning is checked too.
        services.AddSingleton(new BidLockEnvironment(TestEnvironment.Of(
            [.. environment, ("DOTNET_ENVIRONMENT", production ? "Production" : "Development"), ("BIDLOCKS_ALLOW_SQLITE_FALLBACK", production ? null : "true")])));
        services.AddBidLocks(options =>
        {
            options.RedisConnectTimeout = TimeSpan.FromSeconds(2);
            options.SqlitePath = sqlitePath;
            if (source == "BidLockOptions.RedisUrl")
            {
                options.RedisUrl = $"redis://:{Uri.EscapeDataString(Password)}@127.0.0.1:{portText}/0";
            }
            else if (source == "BidLockOptions.RedisPassword")
            {
                (options.RedisHost, options.RedisPort, options.RedisPassword) = ("127.0.0.1", port, Password);
            }
        });
        return services;
    }

    private static async Task StartAsync(IServiceProvider provider, CancellationToken cancel)
    {
        foreach (var service in provider.GetServices<Microsoft.Extensions.Hosting.IHostedService>())
        {
            await service.StartAsync(cancel);
        }
    }

    private static string Describe(HealthReport report)
        => string.Join('\n', report.Entries.Select(entry => $"{entry.Key} {entry.Value.Status} {entry.Value.Description} {entry.Value.Exception} "
            + string.Join(',', entry.Value.Data.Select(pair => $"{pair.Key}={pair.Value}"))));

    private static void AssertNeverShown(IEnumerable<string> texts)
    {
        foreach (var text in texts)
        {
            Assert.DoesNotContain(Password, text);
            Assert.DoesNotContain(Uri.EscapeDataString(Password), text);
        }
    }
}
