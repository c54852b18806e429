using BidLocks.Tests.Redis;
using BidLocks.Tests.Support;

namespace BidLocks.Tests.Factory;

/// <summary>
/// The one settings resolver: options, configuration, environment variables and host environment become the start
/// settings once; nothing below reads the process environment, and nothing changes them afterwards.
/// </summary>
public sealed class SettingsResolverTests(SharedRedisServer redis)
{
    private const string Url = "redis://cache.internal:6380/2";

    [Fact]
    public void Replication_Garnet_and_connection_settings_come_from_the_given_environment_table()
    {
        var options = new BidLockOptions { RedisConnectTimeout = TimeSpan.FromSeconds(3), MinReplicasTimeout = TimeSpan.FromMilliseconds(800) };
        var environment = TestEnvironment.Of(
            ("REDIS_URL", Url), ("DOTNET_ENVIRONMENT", "Production"), ("BIDLOCKS_REDIS_MIN_REPLICAS", "2"), ("BIDLOCKS_GARNET_LUA_TRANSACTION_MODE", "true"));

        var settings = BidLockSettingsResolver.Resolve(options, environment);

        var start = settings.Redis!;
        Assert.Equal((2, "BIDLOCKS_REDIS_MIN_REPLICAS"), (start.Replication.MinReplicas, start.Replication.Source));
        Assert.True(start.GarnetTransactionModeConfirmed);
        Assert.Equal(TimeSpan.FromSeconds(3), start.Connection.ConnectTimeout);
        // WAIT may take its own timeout: the client's command timeout is longer by that much.
        Assert.Equal(TimeSpan.FromMilliseconds(800) + RedisConnectionSettings.DefaultCommandTimeout, start.Connection.CommandTimeout);
    }

    [Fact]
    public void The_settings_are_a_copy_that_later_changes_to_the_options_do_not_reach()
    {
        var options = new BidLockOptions { KeyPrefix = "before:", SqlitePath = "/var/lib/bids/locks.db" };

        var settings = BidLockSettingsResolver.Resolve(options, TestEnvironment.Of(("DOTNET_ENVIRONMENT", "Development")));
        options.KeyPrefix = "after:";

        Assert.Equal("before:", settings.Options.KeyPrefix);
        Assert.NotSame(options, settings.Options);
    }

    [Fact]
    public void A_connection_name_takes_a_keyed_multiplexer_before_the_connection_string()
    {
        var host = BidLockHostContext.ForEnvironment("Production") with
        {
            ConnectionString = name => name == "cache" ? "cache.internal:6390,password=hunter2,defaultDatabase=4" : null,
        };

        var settings = BidLockSettingsResolver.Resolve(new BidLockOptions { RedisConnectionName = "cache" }, TestEnvironment.Of(("REDIS_URL", Url)), host);

        var connection = settings.Redis!.Connection;
        Assert.Equal(("cache.internal", 6390, 4, "ConnectionStrings:cache"), (connection.Host, connection.Port, connection.Database, connection.Source));
        Assert.DoesNotContain("hunter2", settings.Plan.Reason);
    }

    [Fact]
    public void A_connection_name_that_names_nothing_fails_saying_where_it_looked()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            BidLockSettingsResolver.Resolve(new BidLockOptions { RedisConnectionName = "cache" }, TestEnvironment.Of(), BidLockHostContext.ForEnvironment("Production")));
        var noContainer = Assert.Throws<InvalidOperationException>(() =>
            BidLockSettingsResolver.Resolve(new BidLockOptions { RedisConnectionName = "cache" }, TestEnvironment.Of()));

        Assert.Contains("ConnectionStrings:cache", error.Message);
        Assert.Contains("IConnectionMultiplexer", error.Message);
        Assert.Contains("AddBidLocks", noContainer.Message);
    }

    [Fact]
    public void A_bare_word_is_not_taken_for_a_configuration_string()
    {
        var error = Assert.Throws<FormatException>(() => BidLockSettingsResolver.Resolve(new BidLockOptions(), TestEnvironment.Of(("REDIS_URL", "hunter2"))));

        Assert.DoesNotContain("hunter2", error.Message);
    }

    // Before the resolver, ConnectAsync read BIDLOCKS_REDIS_MIN_REPLICAS from the process environment, past the table.
    [Fact(Timeout = 60_000)]
    public async Task The_factory_starts_Redis_with_the_replication_its_table_asks_for()
    {
        var environment = TestEnvironment.Of(("REDIS_URL", redis.Url), ("DOTNET_ENVIRONMENT", "Production"), ("BIDLOCKS_REDIS_MIN_REPLICAS", "1"));

        await using var manager = await BidLockManagerFactory.CreateAsync(new BidLockOptions(), environment, TestContext.Current.CancellationToken);

        Assert.Equal(1, Assert.IsType<RedisBidLockManager>(manager).MinReplicas);
    }
}
