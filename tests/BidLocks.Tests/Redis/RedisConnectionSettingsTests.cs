namespace BidLocks.Tests.Redis;

/// <summary>Reading Redis settings from URLs, options and the environment; the password never leaks.</summary>
public sealed class RedisConnectionSettingsTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    [Theory]
    [InlineData("redis://localhost", "localhost", 6379, 0, null, null, false)]
    [InlineData("redis://cache.internal:6380/3", "cache.internal", 6380, 3, null, null, false)]
    [InlineData("rediss://user:pw@redis.example:6390/1", "redis.example", 6390, 1, "user", "pw", true)]
    [InlineData("redis://:only-password@10.0.0.5", "10.0.0.5", 6379, 0, null, "only-password", false)]
    [InlineData("redis://:p%40ss%3Aw%2Frd@host/2", "host", 6379, 2, null, "p@ss:w/rd", false)]
    [InlineData("redis://[::1]:7000", "::1", 7000, 0, null, null, false)]
    [InlineData("redis://bob@host/", "host", 6379, 0, "bob", null, false)]
    public void Urls_are_read(string url, string host, int port, int database, string? user, string? password, bool tls)
    {
        var settings = RedisConnectionSettings.ParseUrl(url);

        Assert.Equal(host, settings.Host);
        Assert.Equal(port, settings.Port);
        Assert.Equal(database, settings.Database);
        Assert.Equal(user, settings.User);
        Assert.Equal(password, settings.Password);
        Assert.Equal(tls, settings.UseTls);
    }

    [Theory]
    [InlineData("http://:hunter2@host")]
    [InlineData("redis://:hunter2@host/notanumber")]
    [InlineData("redis://:hunter2@host?ssl=true")]
    [InlineData("hunter2")]
    [InlineData("redis://:hunter2@")]
    public void Malformed_urls_are_refused_without_repeating_them(string url)
    {
        var error = Assert.Throws<FormatException>(() => RedisConnectionSettings.ParseUrl(url, "REDIS_URL"));

        Assert.Contains("REDIS_URL", error.Message);
        Assert.DoesNotContain("hunter2", error.Message);
    }

    [Fact]
    public void ToString_redacts_the_password_and_keeps_the_rest()
    {
        var settings = RedisConnectionSettings.ParseUrl("rediss://admin:hunter2@cache:6380/4");

        Assert.Equal("rediss://admin:***@cache:6380/4", settings.ToString());
        Assert.Equal("an error mentioning *** twice ***", settings.Redact("an error mentioning hunter2 twice hunter2"));
    }

    [Fact]
    public void Options_ToString_never_shows_a_password()
    {
        var options = new BidLockOptions { RedisUrl = "redis://:hunter2@cache:6379/0", RedisPassword = "letmein" };
        var unreadable = new BidLockOptions { RedisUrl = "nonsense hunter2" };

        Assert.DoesNotContain("hunter2", options.ToString());
        Assert.DoesNotContain("letmein", options.ToString());
        Assert.Contains("redis://:***@cache:6379/0", options.ToString());
        Assert.Contains("RedisPassword=***", options.ToString());
        Assert.DoesNotContain("hunter2", unreadable.ToString());
    }

    [Fact]
    public void Nothing_configured_means_no_redis()
    {
        Assert.Null(RedisConnectionSettings.Resolve(new BidLockOptions(), NoEnvironment));
    }

    [Fact]
    public void The_environment_is_read_url_first()
    {
        var environment = new Dictionary<string, string?>
        {
            ["REDIS_URL"] = "redis://:from-url@url-host:7001/5",
            ["REDIS_HOST"] = "host-host",
            ["REDIS_PORT"] = "7002",
        };

        var settings = RedisConnectionSettings.Resolve(new BidLockOptions(), environment.GetValueOrDefault)!;

        Assert.Equal(("url-host", 7001, 5, "from-url", "REDIS_URL"), (settings.Host, settings.Port, settings.Database, settings.Password, settings.Source));
    }

    [Fact]
    public void The_environment_host_form_reads_port_db_and_password()
    {
        var environment = new Dictionary<string, string?>
        {
            ["REDIS_HOST"] = "cache",
            ["REDIS_PORT"] = "6390",
            ["REDIS_DB"] = "2",
            ["REDIS_PASSWORD"] = "pw",
        };

        var settings = RedisConnectionSettings.Resolve(new BidLockOptions(), environment.GetValueOrDefault)!;

        Assert.Equal(("cache", 6390, 2, "pw", false), (settings.Host, settings.Port, settings.Database, settings.Password, settings.UseTls));
    }

    [Fact]
    public void Options_win_over_the_environment()
    {
        var environment = new Dictionary<string, string?> { ["REDIS_URL"] = "redis://env-host:6379", ["REDIS_PASSWORD"] = "env-pw" };

        var byUrl = RedisConnectionSettings.Resolve(new BidLockOptions { RedisUrl = "redis://option-host:6400/1" }, environment.GetValueOrDefault)!;
        var byHost = RedisConnectionSettings.Resolve(new BidLockOptions { RedisHost = "option-host", RedisPort = 6401, RedisDb = 7 }, environment.GetValueOrDefault)!;

        Assert.Equal(("option-host", 6400, 1, "BidLockOptions.RedisUrl"), (byUrl.Host, byUrl.Port, byUrl.Database, byUrl.Source));
        Assert.Equal(("option-host", 6401, 7, "env-pw"), (byHost.Host, byHost.Port, byHost.Database, byHost.Password));
    }

    [Theory]
    [InlineData("REDIS_PORT", "sixty")]
    [InlineData("REDIS_DB", "-1")]
    public void Bad_numbers_in_the_environment_name_their_variable(string variable, string value)
    {
        var environment = new Dictionary<string, string?> { ["REDIS_HOST"] = "cache", [variable] = value };

        var error = Assert.Throws<FormatException>(() => RedisConnectionSettings.Resolve(new BidLockOptions(), environment.GetValueOrDefault));

        Assert.Contains(variable, error.Message);
    }

    [Fact]
    public void Configuration_fails_fast_while_disconnected_and_carries_the_login()
    {
        var options = RedisConnectionSettings.ParseUrl("rediss://user:pw@cache:6380/3").ToConfigurationOptions();

        Assert.Equal(StackExchange.Redis.BacklogPolicy.FailFast, options.BacklogPolicy);
        Assert.True(options.Ssl);
        Assert.Equal("cache", options.SslHost);
        Assert.Equal(("user", "pw", 3), (options.User, options.Password, options.DefaultDatabase));
        Assert.DoesNotContain("password=pw", options.ToString(includePassword: false));
    }

    [Fact]
    public void Options_validate_port_and_database()
    {
        Assert.Equal("RedisPort", Assert.Throws<ArgumentOutOfRangeException>(() => new BidLockOptions { RedisPort = 70000 }.Validate()).ParamName);
        Assert.Equal("RedisDb", Assert.Throws<ArgumentOutOfRangeException>(() => new BidLockOptions { RedisDb = -1 }.Validate()).ParamName);
    }
}
