using System.Net;
using BidLocks.Tests.Support;

namespace BidLocks.Tests.Redis;

/// <summary>
/// <c>redis+sentinel://</c> URLs: the Sentinels, the service and the database are read, the login is kept for both
/// the Sentinels and the primary, and the password never shows in a message, <c>ToString</c>, or a failed start.
/// </summary>
public sealed class RedisSentinelUrlTests
{
    [Fact]
    public void Sentinels_service_database_and_login_are_read()
    {
        var settings = RedisConnectionSettings.ParseUrl("redis+sentinel://app:p%40ss@10.0.0.1:26380,sentinel-b,[::1]:26381/bids-primary/3");

        Assert.Equal("bids-primary", settings.SentinelService);
        Assert.Equal([new RedisHostAndPort("10.0.0.1", 26380), new RedisHostAndPort("sentinel-b", 26379), new RedisHostAndPort("::1", 26381)], settings.Sentinels);
        Assert.Equal((3, "app", "p@ss", false), (settings.Database, settings.User, settings.Password, settings.UseTls));
    }

    [Fact]
    public void Tls_and_the_defaults()
    {
        var settings = RedisConnectionSettings.ParseUrl("REDISS+SENTINEL://sentinel:26379/mymaster");

        Assert.True(settings.UseTls);
        Assert.Equal((0, (string?)null, (string?)null), (settings.Database, settings.User, settings.Password));
        Assert.Equal("mymaster", settings.SentinelService);
    }

    [Fact]
    public void The_client_is_configured_for_the_service_on_every_Sentinel()
    {
        var options = RedisConnectionSettings.ParseUrl("redis+sentinel://:pw@127.0.0.1:26379,127.0.0.1:26380/mymaster/2").ToConfigurationOptions();

        Assert.Equal("mymaster", options.ServiceName);
        Assert.Equal([new IPEndPoint(IPAddress.Loopback, 26379), new IPEndPoint(IPAddress.Loopback, 26380)], options.EndPoints);
        Assert.Equal(("pw", 2), (options.Password, options.DefaultDatabase));
        Assert.Equal(StackExchange.Redis.BacklogPolicy.FailFast, options.BacklogPolicy);
    }

    [Fact]
    public void ToString_redacts_the_password_and_Location_drops_the_login()
    {
        var settings = RedisConnectionSettings.ParseUrl("redis+sentinel://admin:hunter2@s1:26379,s2:26400/mymaster/1");

        Assert.Equal("redis+sentinel://admin:***@s1:26379,s2:26400/mymaster/1", settings.ToString());
        Assert.Equal("redis+sentinel://s1:26379,s2:26400/mymaster/1", settings.Location);
        Assert.Contains("redis+sentinel://:***@s1:26379/mymaster/0", new BidLockOptions { RedisUrl = "redis+sentinel://:hunter2@s1/mymaster" }.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("redis+sentinel://:hunter2@s1:26379")]
    [InlineData("redis+sentinel://:hunter2@s1:26379/")]
    [InlineData("redis+sentinel://:hunter2@s1:notaport/mymaster")]
    [InlineData("redis+sentinel://:hunter2@s1:70000/mymaster")]
    [InlineData("redis+sentinel://:hunter2@s1,,s2/mymaster")]
    [InlineData("redis+sentinel://:hunter2@s1/mymaster/notadb")]
    [InlineData("redis+sentinel://:hunter2@s1/mymaster/0/extra")]
    [InlineData("redis+sentinel://:hunter2@s1/mymaster?db=1")]
    [InlineData("redis+sentinel://:hunter2@[::1/mymaster")]
    [InlineData("redis+sentinel://:hunter2@/mymaster")]
    public void Malformed_Sentinel_urls_are_refused_without_repeating_them(string url)
    {
        var error = Assert.Throws<FormatException>(() => RedisConnectionSettings.ParseUrl(url, "REDIS_URL"));

        Assert.Contains("REDIS_URL", error.Message, StringComparison.Ordinal);
        Assert.Contains("redis+sentinel://", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Unreachable_Sentinels_fail_the_start_naming_the_service_and_never_the_password()
    {
        var url = $"redis+sentinel://:s3cret-pa55@127.0.0.1:{TestEnvironment.FreeLoopbackPort()},127.0.0.1:{TestEnvironment.FreeLoopbackPort()}/bids";

        var error = await Assert.ThrowsAsync<BidLockUnavailableException>(() => RedisBidLockManager.ConnectAsync(
            new BidLockOptions { RedisUrl = url, RedisConnectTimeout = TimeSpan.FromSeconds(1) },
            TestContext.Current.CancellationToken));

        Assert.Contains("service 'bids'", error.Message, StringComparison.Ordinal);
        Assert.Contains("redis+sentinel://:***@127.0.0.1:", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-pa55", error.ToString(), StringComparison.Ordinal);
    }
}
