using System.Diagnostics;
using BidLocks.Tests.Redis;
using BidLocks.Tests.Sqlite;
using BidLocks.Tests.Support;
using Microsoft.Extensions.Logging;

namespace BidLocks.Tests.Factory;

/// <summary>
/// The factory starting real backends by the backend rules (decided in <see cref="BackendRules"/>, tested rule by
/// rule in Factory/BackendRulesTests): real SQLite files, real redis-server processes, and for "unreachable" a free
/// 127.0.0.1 port with nothing listening. Environment variables come from a table per test, never the process's.
/// </summary>
public sealed class BidLockManagerFactoryTests(SharedRedisServer redis) : IDisposable
{
    private static readonly TimeSpan ShortConnect = TimeSpan.FromMilliseconds(500);
    private readonly TempDatabase _database = new();
    private readonly CapturingLoggerFactory _logs = new();
    private readonly string _marketplace = "mkt-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Invalid_options_are_rejected_by_name()
    {
        var error = await Assert.ThrowsAnyAsync<ArgumentException>(async () => await BidLockManagerFactory.CreateAsync(new BidLockOptions { KeyPrefix = "bad{prefix" }, TestContext.Current.CancellationToken));

        Assert.Equal(nameof(BidLockOptions.KeyPrefix), error.ParamName);
    }

    [Fact(Timeout = 30_000)]
    public async Task Without_Redis_outside_Production_it_opens_SQLite_and_logs_the_choice_once()
    {
        await using var manager = await CreateAsync(TestContext.Current.CancellationToken, ("DOTNET_ENVIRONMENT", "Development"), ("BIDLOCKS_SQLITE_PATH", _database.Path));

        var sqlite = Assert.IsType<SqliteBidLockManager>(manager);
        Assert.Equal(_database.Path, sqlite.DatabasePath);
        Assert.True(File.Exists(_database.Path), "opened at start");
        var choice = Assert.Single(_logs.Entries, entry => entry.Message.StartsWith("BidLocks uses", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Information, choice.Level);
        Assert.Equal($"BidLocks uses the sqlite lock backend: no Redis is named and DOTNET_ENVIRONMENT=Development; SQLite at {_database.Path}", choice.Message);
        await using var lease = await manager.AcquireAsync(_marketplace, "posting", cancellationToken: TestContext.Current.CancellationToken);
    }

    [Theory(Timeout = 30_000)]
    [InlineData("REDIS_URL")]
    [InlineData("REDIS_HOST")]
    public async Task Named_but_unreachable_Redis_falls_back_to_SQLite_where_opted_in_with_a_warning(string how)
    {
        var port = TestEnvironment.FreeLoopbackPort();
        var variables = how == "REDIS_URL"
            ? new[] { ("REDIS_URL", (string?)$"redis://:s3cret-pa55@127.0.0.1:{port}") }
            : [("REDIS_HOST", "127.0.0.1"), ("REDIS_PORT", port.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("REDIS_PASSWORD", "s3cret-pa55")];

        await using var manager = await CreateAsync(TestContext.Current.CancellationToken, [.. variables, ("DOTNET_ENVIRONMENT", "Development"), ("BIDLOCKS_ALLOW_SQLITE_FALLBACK", "true"), ("BIDLOCKS_SQLITE_PATH", _database.Path)]);

        Assert.Equal("sqlite", manager.Backend);
        // (The SQLite file, in the temp folder here, has a warning of its own.)
        var warning = Assert.Single(_logs.Entries, entry => entry.Level == LogLevel.Warning && entry.Message.StartsWith("Redis at", StringComparison.Ordinal));
        Assert.Contains($"Redis at redis://:***@127.0.0.1:{port}/0 (from {how}) is unreachable at start", warning.Message);
        Assert.Contains("falls back to SQLite", warning.Message);
        Assert.Contains("as BIDLOCKS_ALLOW_SQLITE_FALLBACK=true allows", warning.Message);
        Assert.Contains("Locks then hold only between processes of this host", warning.Message);
        Assert.DoesNotContain("s3cret-pa55", _logs.AllText);
        Assert.Single(_logs.Entries, entry => entry.Message.StartsWith("BidLocks uses the sqlite lock backend", StringComparison.Ordinal));
    }

    [Fact(Timeout = 30_000)]
    public async Task Forced_but_unreachable_Redis_fails_at_start_without_falling_back()
    {
        var started = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<BidLockUnavailableException>(async () => await CreateAsync(TestContext.Current.CancellationToken, 
            ("USE_REDIS_LOCKS", "true"), ("REDIS_URL", TestEnvironment.UnreachableRedisUrl()), ("DOTNET_ENVIRONMENT", "Development"), ("BIDLOCKS_SQLITE_PATH", _database.Path)));

        Assert.Equal("redis", error.Backend);
        Assert.Contains("USE_REDIS_LOCKS=true forces Redis", error.Message);
        Assert.Contains("unreachable", error.Message);
        Assert.DoesNotContain("s3cret-pa55", error.ToString());
        Assert.False(File.Exists(_database.Path), "no SQLite file was opened");
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(10), $"took {started.Elapsed}");
    }

    [Fact(Timeout = 30_000)]
    public async Task Unreachable_Redis_in_Production_fails_at_start_without_falling_back()
    {
        var error = await Assert.ThrowsAsync<BidLockUnavailableException>(async () => await CreateAsync(TestContext.Current.CancellationToken, 
            ("REDIS_URL", TestEnvironment.UnreachableRedisUrl()), ("DOTNET_ENVIRONMENT", "Production"), ("BIDLOCKS_SQLITE_PATH", _database.Path)));

        Assert.Contains("DOTNET_ENVIRONMENT=Production requires Redis", error.Message);
        Assert.DoesNotContain("s3cret-pa55", error.ToString());
        Assert.False(File.Exists(_database.Path));
        Assert.DoesNotContain(_logs.Entries, entry => entry.Message.StartsWith("BidLocks uses", StringComparison.Ordinal));
    }

    [Fact(Timeout = 30_000)]
    public async Task Production_without_Redis_fails_at_start_saying_what_to_set()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await CreateAsync(TestContext.Current.CancellationToken, ("ASPNETCORE_ENVIRONMENT", "Production"), ("BIDLOCKS_SQLITE_PATH", _database.Path)));

        Assert.Contains("ASPNETCORE_ENVIRONMENT=Production requires Redis", error.Message);
        Assert.Contains("set REDIS_URL", error.Message);
        Assert.False(File.Exists(_database.Path));
    }

    [Fact(Timeout = 30_000)]
    public async Task An_unusable_SQLite_file_fails_at_start_naming_it()
    {
        var path = Path.Combine(_database.Folder, "missing", "locks.db");

        var error = await Assert.ThrowsAsync<BidLockUnavailableException>(async () => await CreateAsync(TestContext.Current.CancellationToken, ("BIDLOCKS_SQLITE_PATH", path), ("DOTNET_ENVIRONMENT", "Development")));

        Assert.Contains(path, error.Message);
    }

    [Fact(Timeout = 60_000)]
    public async Task Reachable_Redis_is_chosen_and_its_password_never_logged()
    {
        await using var server = await RedisServerProcess.StartAsync(password: "s3cret-pa55");

        await using var manager = await CreateAsync(TestContext.Current.CancellationToken, ("REDIS_URL", server.Url), ("DOTNET_ENVIRONMENT", "Production"));

        Assert.IsType<RedisBidLockManager>(manager);
        Assert.Contains(_logs.Entries, entry => entry.Message == $"BidLocks uses the redis lock backend: DOTNET_ENVIRONMENT=Production requires Redis; REDIS_URL names redis://:***@127.0.0.1:{server.Port}/0");
        Assert.DoesNotContain("s3cret-pa55", _logs.AllText);
        await using var lease = await manager.AcquireAsync(_marketplace, "posting", cancellationToken: TestContext.Current.CancellationToken);
    }

    [Fact(Timeout = 30_000)]
    public async Task USE_REDIS_LOCKS_false_uses_SQLite_even_when_Redis_answers()
    {
        await using var manager = await CreateAsync(TestContext.Current.CancellationToken, ("USE_REDIS_LOCKS", "false"), ("REDIS_URL", redis.Url), ("BIDLOCKS_SQLITE_PATH", _database.Path), ("DOTNET_ENVIRONMENT", "Development"));

        Assert.Equal("sqlite", manager.Backend);
    }

    [Fact(Timeout = 120_000)]
    public async Task The_backend_never_changes_after_start_a_Redis_failure_fails_the_call_closed()
    {
        await using var server = await RedisServerProcess.StartAsync();
        await using var manager = await CreateAsync(TestContext.Current.CancellationToken, ("REDIS_URL", server.Url), ("DOTNET_ENVIRONMENT", "Development"), ("BIDLOCKS_SQLITE_PATH", _database.Path));
        Assert.Equal("redis", manager.Backend);

        await server.KillAsync();
        var bodyRan = false;
        await Assert.ThrowsAsync<BidLockUnavailableException>(async () =>
        {
            await using var lease = await manager.AcquireAsync(_marketplace, "posting", TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
            bodyRan = true;
        });

        Assert.False(bodyRan);
        Assert.Equal("redis", manager.Backend);
        Assert.False(File.Exists(_database.Path), "no fallback to SQLite after start");
    }

    public void Dispose() => _database.Dispose();

    private async Task<IBidLockManager> CreateAsync(CancellationToken cancellationToken, params (string Name, string? Value)[] variables)
    {
        var options = new BidLockOptions { LoggerFactory = _logs, RedisConnectTimeout = ShortConnect };
        return await BidLockManagerFactory.CreateAsync(options, TestEnvironment.Of(variables), cancellationToken);
    }
}
