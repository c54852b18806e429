using BidLocks.Tests.Redis;
using BidLocks.Tests.Sqlite;
using BidLocks.Tests.Support;
using Microsoft.Extensions.Logging;

namespace BidLocks.Tests.Factory;

/// <summary>
/// A named Redis that cannot be used at start. A wrong password or an unknown host is a
/// configuration error and fails the start everywhere, even where the fallback to SQLite is allowed; a server that
/// does answer is never called "unreachable"; the fallback itself happens only when the application opted in.
/// Real redis-server processes; "unreachable" is a free 127.0.0.1 port with nothing listening.
/// </summary>
public sealed class RedisStartFailureTests : IDisposable
{
    private const string Password = "s3cret-pa55";
    private static readonly TimeSpan ShortConnect = TimeSpan.FromMilliseconds(500);
    private readonly TempDatabase _database = new();
    private readonly CapturingLoggerFactory _logs = new();

    [Fact(Timeout = 60_000)]
    public async Task A_wrong_password_fails_at_start_even_where_the_fallback_is_allowed()
    {
        await using var server = await RedisServerProcess.StartAsync(Password);
        const string wrong = "not-the-Secret-9f2";

        var error = await Assert.ThrowsAsync<BidLockUnavailableException>(async () => await CreateAsync(TestContext.Current.CancellationToken,
            ("REDIS_URL", $"redis://:{wrong}@127.0.0.1:{server.Port}/0"), ("DOTNET_ENVIRONMENT", "Development"), ("BIDLOCKS_ALLOW_SQLITE_FALLBACK", "true")));

        Assert.Contains("authentication failed", error.Message);
        Assert.DoesNotContain("unreachable", error.Message);
        Assert.DoesNotContain(wrong, error.ToString());
        Assert.DoesNotContain(wrong, _logs.AllText);
        Assert.False(File.Exists(_database.Path), "no SQLite file was opened");
    }

    [Fact(Timeout = 60_000)]
    public async Task An_unknown_host_fails_at_start_even_where_the_fallback_is_allowed()
    {
        // .invalid never resolves (RFC 2606): the name is wrong, not the network.
        var error = await Assert.ThrowsAsync<BidLockUnavailableException>(async () => await CreateAsync(TestContext.Current.CancellationToken,
            ("REDIS_URL", "redis://no-such-cache.invalid:6379/0"), ("DOTNET_ENVIRONMENT", "Development"), ("BIDLOCKS_ALLOW_SQLITE_FALLBACK", "true")));

        Assert.Contains("no-such-cache.invalid", error.Message);
        Assert.Contains("unknown host", error.Message);
        Assert.False(File.Exists(_database.Path), "no SQLite file was opened");
    }

    [Fact(Timeout = 60_000)]
    public async Task An_unreachable_Redis_in_Development_fails_at_start_unless_the_fallback_is_opted_in()
    {
        var error = await Assert.ThrowsAsync<BidLockUnavailableException>(async () => await CreateAsync(TestContext.Current.CancellationToken,
            ("REDIS_URL", TestEnvironment.UnreachableRedisUrl(Password)), ("DOTNET_ENVIRONMENT", "Development")));

        Assert.Contains("unreachable", error.Message);
        Assert.Contains("BIDLOCKS_ALLOW_SQLITE_FALLBACK", error.Message);
        Assert.DoesNotContain(Password, error.ToString());
        Assert.False(File.Exists(_database.Path), "no SQLite file was opened");
    }

    [Fact(Timeout = 60_000)]
    public async Task An_unreachable_Redis_falls_back_when_opted_in_with_a_warning_and_the_choice_says_why()
    {
        var url = TestEnvironment.UnreachableRedisUrl(Password);

        await using var manager = await CreateAsync(TestContext.Current.CancellationToken, ("REDIS_URL", url), ("DOTNET_ENVIRONMENT", "Development"), ("BIDLOCKS_ALLOW_SQLITE_FALLBACK", "true"));

        Assert.Equal("sqlite", manager.Backend);
        var choice = manager.BackendChoice!;
        Assert.Equal("sqlite", choice.Backend);
        Assert.Equal(_database.Path, choice.Location);
        Assert.Contains("BIDLOCKS_ALLOW_SQLITE_FALLBACK=true", choice.FallbackReason);
        Assert.Contains("unreachable", choice.FallbackReason);
        // (The test's lock file is in the temp folder, which is warned about too.)
        var warning = Assert.Single(_logs.Entries, entry => entry.Level == LogLevel.Warning && entry.Message.StartsWith("Redis at", StringComparison.Ordinal));
        Assert.Contains("BIDLOCKS_ALLOW_SQLITE_FALLBACK=true", warning.Message);
        Assert.DoesNotContain(Password, _logs.AllText);
        Assert.DoesNotContain(Password, choice.ToString());
    }

    public void Dispose() => _database.Dispose();

    private async Task<IBidLockManager> CreateAsync(CancellationToken cancellationToken, params (string Name, string? Value)[] variables)
    {
        var options = new BidLockOptions { LoggerFactory = _logs, RedisConnectTimeout = ShortConnect, SqlitePath = _database.Path };
        return await BidLockManagerFactory.CreateAsync(options, TestEnvironment.Of(variables), cancellationToken);
    }
}
