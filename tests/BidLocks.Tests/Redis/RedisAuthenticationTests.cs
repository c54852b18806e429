using Microsoft.Extensions.Logging;

namespace BidLocks.Tests.Redis;

/// <summary>A password-protected server: the password opens it and never shows up anywhere.</summary>
public sealed class RedisAuthenticationTests() : PasswordRedisTests("s3cret:p@ss/word%")
{
    [Fact(Timeout = 60_000)]
    public async Task The_password_in_REDIS_URL_opens_the_server()
    {
        var environment = new Dictionary<string, string?> { ["REDIS_URL"] = Server.Url };
        var logs = new CapturingLoggerFactory();
        var options = new BidLockOptions { LoggerFactory = logs };
        var start = BidLockSettingsResolver.ForRedis(options, name => environment.GetValueOrDefault(name))!;
        var settings = start.Connection;

        await using var manager = await RedisBidLockManager.ConnectAsync(start, options, TestContext.Current.CancellationToken);
        await using var lease = await manager.AcquireAsync("mkt", "auth", cancellationToken: TestContext.Current.CancellationToken);
        var health = await manager.CheckHealthAsync(TestContext.Current.CancellationToken);

        Assert.Equal("REDIS_URL", settings.Source);
        Assert.Equal(Password, settings.Password);
        Assert.True(lease.IsHeld);
        Assert.Equal(BidLockHealthStatus.Healthy, health.Status);
        Assert.DoesNotContain(Password, health.ToString());
        Assert.DoesNotContain(Password, settings.ToString());
        Assert.NotEmpty(logs.Lines);
        Assert.All(logs.Lines, line => Assert.DoesNotContain(Password, line));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_wrong_password_fails_clearly_without_showing_it()
    {
        const string wrong = "not-the-Secret-9f2";
        var options = new BidLockOptions { RedisUrl = $"redis://:{wrong}@127.0.0.1:{Server.Port}/0" };

        var error = await Assert.ThrowsAsync<BidLockUnavailableException>(() => RedisBidLockManager.ConnectAsync(options, TestContext.Current.CancellationToken));

        Assert.Equal("redis", error.Backend);
        Assert.Contains("authentication failed", error.Message);
        Assert.Contains($"127.0.0.1:{Server.Port}", error.Message);
        Assert.DoesNotContain(wrong, error.ToString());
        Assert.DoesNotContain(wrong, options.ToString());
        Assert.DoesNotContain(Password, error.ToString());
    }

    [Fact(Timeout = 60_000)]
    public async Task No_password_fails_clearly()
    {
        var options = new BidLockOptions { RedisHost = "127.0.0.1", RedisPort = Server.Port };

        var error = await Assert.ThrowsAsync<BidLockUnavailableException>(() => RedisBidLockManager.ConnectAsync(options, TestContext.Current.CancellationToken));

        Assert.Contains("authentication failed", error.Message);
    }

    private sealed class CapturingLoggerFactory : ILoggerFactory, ILogger
    {
        private readonly List<string> _lines = [];

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (_lines)
                {
                    return [.. _lines];
                }
            }
        }

        public ILogger CreateLogger(string categoryName) => this;

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_lines)
            {
                _lines.Add($"{logLevel} {formatter(state, exception)} {exception}");
            }
        }
    }
}
