using BidLocks.Tests.Support;

namespace BidLocks.Tests.Factory;

/// <summary>Each backend rule over a matrix of environment variables, decided without any I/O.</summary>
public sealed class BackendRulesTests
{
    private const string Url = "redis://cache.internal:6380/2";

    // Rule 1: USE_REDIS_LOCKS=true forces Redis; false rules it out.
    [Theory]
    [InlineData("true")]
    [InlineData("TRUE")]
    [InlineData("1")]
    [InlineData("yes")]
    public void Rule1_true_forces_Redis_even_outside_Production(string value)
    {
        var plan = Decide(("USE_REDIS_LOCKS", value), ("REDIS_URL", Url), ("DOTNET_ENVIRONMENT", "Development"));

        Assert.Equal(BackendKind.RedisRequired, plan.Kind);
        Assert.Contains("USE_REDIS_LOCKS=true forces Redis", plan.Reason);
    }

    [Fact]
    public void Rule1_true_with_REDIS_HOST_forces_that_server()
    {
        var plan = Decide(("USE_REDIS_LOCKS", "true"), ("REDIS_HOST", "cache.internal"), ("REDIS_PORT", "6390"), ("REDIS_DB", "3"));

        Assert.Equal(BackendKind.RedisRequired, plan.Kind);
        Assert.Equal(("cache.internal", 6390, 3), (plan.Redis!.Host, plan.Redis.Port, plan.Redis.Database));
    }

    [Fact]
    public void Rule1_true_without_a_server_fails_and_says_what_to_set()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Decide(("USE_REDIS_LOCKS", "true")));

        Assert.Contains("USE_REDIS_LOCKS=true", error.Message);
        Assert.Contains("REDIS_URL", error.Message);
        Assert.Contains("REDIS_HOST", error.Message);
    }

    [Theory]
    [InlineData("false")]
    [InlineData("0")]
    [InlineData("no")]
    public void Rule1_false_rules_out_a_named_Redis(string value)
    {
        var plan = Decide(("USE_REDIS_LOCKS", value), ("REDIS_URL", Url), ("BIDLOCKS_SQLITE_PATH", "/var/lib/bids/locks.db"), ("DOTNET_ENVIRONMENT", "Development"));

        Assert.Equal(BackendKind.Sqlite, plan.Kind);
        Assert.Equal("/var/lib/bids/locks.db", plan.SqlitePath);
        Assert.Null(plan.Redis);
        Assert.Contains("USE_REDIS_LOCKS=false rules Redis out", plan.Reason);
    }

    // False is an explicit choice of SQLite, anywhere; outside Development it must name the shared file, since
    // a temp folder private to one service would give each service a lock of its own.
    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    public void Rule1_false_outside_Development_needs_a_named_SQLite_file(string environmentName)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Decide(("USE_REDIS_LOCKS", "false"), ("REDIS_URL", Url), ("DOTNET_ENVIRONMENT", environmentName)));

        Assert.Contains("USE_REDIS_LOCKS=false rules Redis out", error.Message);
        Assert.Contains($"DOTNET_ENVIRONMENT={environmentName} is not Development", error.Message);
        Assert.Contains("BIDLOCKS_SQLITE_PATH", error.Message);
    }

    [Fact]
    public void Rule1_false_with_a_named_file_is_SQLite_even_in_Production()
    {
        var plan = Decide(("USE_REDIS_LOCKS", "false"), ("DOTNET_ENVIRONMENT", "Production"), ("BIDLOCKS_SQLITE_PATH", "/var/lib/bids/locks.db"));

        Assert.Equal(BackendKind.Sqlite, plan.Kind);
        Assert.Equal("/var/lib/bids/locks.db", plan.SqlitePath);
    }

    [Theory]
    [InlineData("maybe")]
    [InlineData("truthy")]
    public void Rule1_an_unreadable_value_is_refused(string value)
    {
        var error = Assert.Throws<FormatException>(() => Decide(("USE_REDIS_LOCKS", value)));

        Assert.Contains("USE_REDIS_LOCKS", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void Rule1_an_empty_value_counts_as_unset(string value)
    {
        Assert.Equal(BackendKind.RedisRequired, Decide(("USE_REDIS_LOCKS", value), ("REDIS_URL", Url), ("DOTNET_ENVIRONMENT", "Development")).Kind);
    }

    // Rule 2: REDIS_URL names a server, which must be usable at start: even in Development, unless the application opted
    // in to the fallback.
    [Theory]
    [InlineData("Development")]
    [InlineData("Staging")]
    public void Rule2_REDIS_URL_is_required_without_the_fallback_opt_in(string environmentName)
    {
        var plan = Decide(("REDIS_URL", Url), ("DOTNET_ENVIRONMENT", environmentName));

        Assert.Equal(BackendKind.RedisRequired, plan.Kind);
        Assert.Equal(("cache.internal", 6380, 2), (plan.Redis!.Host, plan.Redis.Port, plan.Redis.Database));
        Assert.Null(plan.SqlitePath);
    }

    [Fact]
    public void Rule2_the_fallback_opt_in_in_Development_falls_back_to_the_default_file()
    {
        var plan = Decide(("REDIS_URL", Url), ("DOTNET_ENVIRONMENT", "Development"), ("BIDLOCKS_ALLOW_SQLITE_FALLBACK", "true"));

        Assert.Equal(BackendKind.RedisOrSqlite, plan.Kind);
        Assert.Equal(SqliteBidLockManager.DefaultDatabasePath, plan.SqlitePath);
        Assert.Contains("REDIS_URL names Redis", plan.Reason);
        Assert.Contains("BIDLOCKS_ALLOW_SQLITE_FALLBACK=true", plan.Reason);
    }

    [Fact]
    public void Rule2_the_fallback_opt_in_outside_Development_needs_a_named_file()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Decide(("REDIS_URL", Url), ("DOTNET_ENVIRONMENT", "Staging"), ("BIDLOCKS_ALLOW_SQLITE_FALLBACK", "true")));
        var named = Decide(("REDIS_URL", Url), ("DOTNET_ENVIRONMENT", "Staging"), ("BIDLOCKS_ALLOW_SQLITE_FALLBACK", "true"), ("BIDLOCKS_SQLITE_PATH", "/var/lib/bids/locks.db"));

        Assert.Contains("BIDLOCKS_SQLITE_PATH", error.Message);
        Assert.Equal((BackendKind.RedisOrSqlite, "/var/lib/bids/locks.db"), (named.Kind, named.SqlitePath));
    }

    [Fact]
    public void Rule2_USE_REDIS_LOCKS_true_never_falls_back_even_when_opted_in()
    {
        Assert.Equal(BackendKind.RedisRequired, Decide(("USE_REDIS_LOCKS", "true"), ("REDIS_URL", Url), ("DOTNET_ENVIRONMENT", "Development"), ("BIDLOCKS_ALLOW_SQLITE_FALLBACK", "true")).Kind);
    }

    [Fact]
    public void Rule2_a_StackExchange_configuration_string_in_REDIS_URL_names_the_server()
    {
        var redis = Decide(("REDIS_URL", "cache.internal:6390,password=hunter2,ssl=true,defaultDatabase=3,abortConnect=false")).Redis!;

        Assert.Equal(("cache.internal", 6390, 3, "hunter2", true), (redis.Host, redis.Port, redis.Database, redis.Password, redis.UseTls));
        Assert.Equal("rediss://:***@cache.internal:6390/3", redis.ToString());
    }

    [Fact]
    public void Rule2_REDIS_URL_in_Production_is_required()
    {
        var plan = Decide(("REDIS_URL", Url), ("DOTNET_ENVIRONMENT", "Production"));

        Assert.Equal(BackendKind.RedisRequired, plan.Kind);
        Assert.Contains("DOTNET_ENVIRONMENT=Production requires Redis", plan.Reason);
    }

    [Fact]
    public void Rule2_the_password_in_REDIS_URL_never_reaches_the_reason()
    {
        var plan = Decide(("REDIS_URL", "redis://bidder:hunter2@cache.internal:6380/1"));

        Assert.Equal("hunter2", plan.Redis!.Password);
        Assert.DoesNotContain("hunter2", plan.Reason);
        Assert.Contains("bidder:***@cache.internal:6380/1", plan.Reason);
    }

    [Fact]
    public void Rule2_a_malformed_REDIS_URL_is_refused_without_showing_it()
    {
        var error = Assert.Throws<FormatException>(() => Decide(("REDIS_URL", "http://user:hunter2@cache.internal")));

        Assert.DoesNotContain("hunter2", error.Message);
        Assert.Contains("REDIS_URL", error.Message);
    }

    [Fact]
    public void Rule2_REDIS_URL_wins_over_REDIS_HOST()
    {
        var plan = Decide(("REDIS_URL", Url), ("REDIS_HOST", "other.internal"));

        Assert.Equal("cache.internal", plan.Redis!.Host);
    }

    // Rule 3: REDIS_HOST with REDIS_PORT (6379), REDIS_DB (0), REDIS_PASSWORD.
    [Fact]
    public void Rule3_REDIS_HOST_takes_port_database_and_password_with_defaults()
    {
        var full = Decide(("REDIS_HOST", "cache.internal"), ("REDIS_PORT", "6390"), ("REDIS_DB", "4"), ("REDIS_PASSWORD", "hunter2")).Redis!;
        var bare = Decide(("REDIS_HOST", "cache.internal")).Redis!;

        Assert.Equal(("cache.internal", 6390, 4, "hunter2"), (full.Host, full.Port, full.Database, full.Password));
        Assert.Equal((6379, 0, (string?)null), (bare.Port, bare.Database, bare.Password));
        Assert.DoesNotContain("hunter2", full.ToString());
    }

    [Fact]
    public void Rule3_REDIS_HOST_is_required_and_may_fall_back_only_when_opted_in()
    {
        Assert.Equal(BackendKind.RedisRequired, Decide(("REDIS_HOST", "cache.internal"), ("DOTNET_ENVIRONMENT", "Development")).Kind);
        Assert.Equal(BackendKind.RedisRequired, Decide(("REDIS_HOST", "cache.internal"), ("ASPNETCORE_ENVIRONMENT", "Production")).Kind);
        Assert.Equal(BackendKind.RedisOrSqlite, Decide(("REDIS_HOST", "cache.internal"), ("DOTNET_ENVIRONMENT", "Development"), ("BIDLOCKS_ALLOW_SQLITE_FALLBACK", "true")).Kind);
    }

    [Fact]
    public void Rule3_a_malformed_REDIS_PORT_is_refused_by_name()
    {
        var error = Assert.Throws<FormatException>(() => Decide(("REDIS_HOST", "cache.internal"), ("REDIS_PORT", "sixty")));

        Assert.Contains("REDIS_PORT", error.Message);
    }

    // Rule 4: Production requires Redis; elsewhere SQLite at BIDLOCKS_SQLITE_PATH or the shared default.
    [Theory]
    [InlineData("DOTNET_ENVIRONMENT", "Production")]
    [InlineData("DOTNET_ENVIRONMENT", "production")]
    [InlineData("ASPNETCORE_ENVIRONMENT", "Production")]
    public void Rule4_Production_without_Redis_fails_and_says_what_to_set(string variable, string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Decide((variable, value)));

        Assert.Contains($"{variable}={value} requires Redis", error.Message);
        Assert.Contains("REDIS_URL", error.Message);
        Assert.Contains("REDIS_HOST", error.Message);
    }

    // Only Development (as .NET defines it) gets SQLite without a declaration; any other name
    // (a typo of Production, a staging or regional name) is treated as a deployment and needs Redis.
    [Theory]
    [InlineData("ASPNETCORE_ENVIRONMENT", "Prod")]
    [InlineData("ASPNETCORE_ENVIRONMENT", "Staging")]
    [InlineData("DOTNET_ENVIRONMENT", "prod-eu")]
    public void Rule4_any_environment_but_Development_without_Redis_fails_at_start(string variable, string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Decide((variable, value)));

        Assert.Contains($"{variable}={value} requires Redis", error.Message);
        Assert.Contains("REDIS_URL", error.Message);
        Assert.Contains("USE_REDIS_LOCKS=false", error.Message);
    }

    // As in .NET's hosts, no environment at all means Production, which requires Redis.
    [Fact]
    public void Rule4_no_environment_is_Production_as_in_dotnet_and_requires_Redis()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Decide(("BIDLOCKS_SQLITE_PATH", "/var/lib/bids/locks.db")));

        Assert.Contains("no environment is set (DOTNET_ENVIRONMENT, ASPNETCORE_ENVIRONMENT), which .NET treats as Production", error.Message);
        Assert.Contains("requires Redis", error.Message);
        Assert.Contains("DOTNET_ENVIRONMENT=Development", error.Message);
    }

    [Fact]
    public void Rule4_no_environment_with_a_named_Redis_requires_it_without_fallback()
    {
        Assert.Equal(BackendKind.RedisRequired, Decide(("REDIS_URL", Url)).Kind);
    }

    [Fact]
    public void Rule4_DOTNET_ENVIRONMENT_is_read_before_ASPNETCORE_ENVIRONMENT()
    {
        var plan = Decide(("DOTNET_ENVIRONMENT", "Development"), ("ASPNETCORE_ENVIRONMENT", "Production"));

        Assert.Equal(BackendKind.Sqlite, plan.Kind);
        Assert.Equal("Development", plan.Environment);
    }

    [Theory]
    [InlineData("Development")]
    [InlineData("development")]
    public void Rule4_in_Development_SQLite_in_the_temp_folder_is_the_default(string environmentName)
    {
        var plan = Decide(("DOTNET_ENVIRONMENT", environmentName));

        Assert.Equal(BackendKind.Sqlite, plan.Kind);
        Assert.Equal(Path.Combine(Path.GetTempPath(), "bidlocks.sqlite3"), plan.SqlitePath);
        Assert.Contains("no Redis is named", plan.Reason);
    }

    [Fact]
    public void Rule4_BIDLOCKS_SQLITE_PATH_names_the_file_made_absolute()
    {
        var plan = Decide(("BIDLOCKS_SQLITE_PATH", "relative/locks.db"), ("DOTNET_ENVIRONMENT", "Development"));

        Assert.Equal(Path.GetFullPath("relative/locks.db"), plan.SqlitePath);
    }

    [Fact]
    public void Rule4_a_BIDLOCKS_SQLITE_PATH_that_is_no_file_path_is_refused_by_name()
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => Decide(("BIDLOCKS_SQLITE_PATH", ":memory:"), ("DOTNET_ENVIRONMENT", "Development")));

        Assert.Equal("BIDLOCKS_SQLITE_PATH", error.ParamName);
    }

    // Options (set in code or bound from configuration) win over the environment.
    [Fact]
    public void Options_win_over_their_environment_variables()
    {
        var environment = TestEnvironment.Of(
            ("USE_REDIS_LOCKS", "true"), ("REDIS_URL", Url), ("DOTNET_ENVIRONMENT", "Production"), ("BIDLOCKS_SQLITE_PATH", "/env/locks.db"));

        var plan = BackendRules.Decide(new BidLockOptions { UseRedis = false, EnvironmentName = "Development", SqlitePath = "/configured/locks.db" }, environment);

        Assert.Equal(BackendKind.Sqlite, plan.Kind);
        Assert.Equal("/configured/locks.db", plan.SqlitePath);
        Assert.Contains("BidLockOptions.UseRedis=false", plan.Reason);
    }

    [Fact]
    public void A_configured_Redis_URL_wins_over_REDIS_URL_and_REDIS_HOST()
    {
        var environment = TestEnvironment.Of(("REDIS_URL", Url), ("REDIS_HOST", "other.internal"));

        var plan = BackendRules.Decide(new BidLockOptions { RedisUrl = "redis://configured.internal:7000" }, environment);

        Assert.Equal(("configured.internal", 7000), (plan.Redis!.Host, plan.Redis.Port));
        Assert.Contains("BidLockOptions.RedisUrl", plan.Reason);
    }

    private static BackendPlan Decide(params (string Name, string? Value)[] variables)
        => BackendRules.Decide(new BidLockOptions(), TestEnvironment.Of(variables));
}
