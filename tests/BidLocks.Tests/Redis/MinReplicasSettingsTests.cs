using BidLocks.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace BidLocks.Tests.Redis;

/// <summary>
/// <see cref="BidLockOptions.MinReplicas"/> and <c>BIDLOCKS_REDIS_MIN_REPLICAS</c>: the option wins over the variable,
/// bad values are refused before any I/O naming the setting, and 0 leaves the Redis lock exactly as it is.
/// </summary>
public sealed class MinReplicasSettingsTests
{
    [Fact]
    public void Unset_means_none_and_the_option_wins_over_the_variable()
    {
        var environment = TestEnvironment.Of((RedisReplicationSettings.Variable, "2"));

        Assert.Equal(0, RedisReplicationSettings.Resolve(new BidLockOptions(), TestEnvironment.Of()).MinReplicas);
        Assert.Equal((2, RedisReplicationSettings.Variable), Pick(RedisReplicationSettings.Resolve(new BidLockOptions(), environment)));
        Assert.Equal((0, "BidLockOptions.MinReplicas"), Pick(RedisReplicationSettings.Resolve(new BidLockOptions { MinReplicas = 0 }, environment)));
        Assert.Equal(TimeSpan.FromSeconds(1), new BidLockOptions().MinReplicasTimeout);
    }

    [Theory]
    [InlineData("one")]
    [InlineData("-1")]
    [InlineData("65")]
    public void A_bad_variable_names_itself(string value)
    {
        var error = Assert.Throws<FormatException>(() => RedisReplicationSettings.Resolve(new BidLockOptions(), TestEnvironment.Of((RedisReplicationSettings.Variable, value))));

        Assert.Contains(RedisReplicationSettings.Variable, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_options_are_refused_naming_them()
    {
        Assert.Equal("MinReplicas", Assert.Throws<ArgumentOutOfRangeException>(() => new BidLockOptions { MinReplicas = -1 }.Validate()).ParamName);
        Assert.Equal("MinReplicas", Assert.Throws<ArgumentOutOfRangeException>(() => new BidLockOptions { MinReplicas = 65 }.Validate()).ParamName);
        Assert.Equal("MinReplicasTimeout", Assert.Throws<ArgumentOutOfRangeException>(() => new BidLockOptions { MinReplicasTimeout = TimeSpan.Zero }.Validate()).ParamName);
        Assert.Equal("MinReplicasTimeout", Assert.Throws<ArgumentOutOfRangeException>(() => new BidLockOptions { MinReplicasTimeout = TimeSpan.FromMinutes(2) }.Validate()).ParamName);
        Assert.Contains("MinReplicas=2, MinReplicasTimeout=00:00:00.2500000", new BidLockOptions { MinReplicas = 2, MinReplicasTimeout = TimeSpan.FromMilliseconds(250) }.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_replica_wait_longer_than_a_third_of_the_TTL_is_refused_naming_both_values()
    {
        var options = new BidLockOptions { MinReplicas = 1, DefaultTtl = TimeSpan.FromSeconds(3), MinReplicasTimeout = TimeSpan.FromMilliseconds(1001) };

        var error = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);

        Assert.Equal("MinReplicasTimeout", error.ParamName);
        Assert.Contains("MinReplicasTimeout (00:00:01.0010000)", error.Message, StringComparison.Ordinal);
        Assert.Contains("DefaultTtl (00:00:03)", error.Message, StringComparison.Ordinal);

        // From the variable, the same rule at the same point (before any I/O).
        var fromVariable = Assert.Throws<ArgumentOutOfRangeException>(() => RedisReplicationSettings.Resolve(
            new BidLockOptions { DefaultTtl = TimeSpan.FromSeconds(3), MinReplicasTimeout = TimeSpan.FromMilliseconds(1001) },
            TestEnvironment.Of((RedisReplicationSettings.Variable, "1"))));
        Assert.Equal("MinReplicasTimeout", fromVariable.ParamName);
        Assert.Contains(RedisReplicationSettings.Variable, fromVariable.Message, StringComparison.Ordinal);

        // A third exactly fits; without replicas the wait is never made, so it does not matter.
        new BidLockOptions { MinReplicas = 1, DefaultTtl = TimeSpan.FromSeconds(3), MinReplicasTimeout = TimeSpan.FromSeconds(1) }.Validate();
        new BidLockOptions { MinReplicas = 0, DefaultTtl = TimeSpan.FromSeconds(1), MinReplicasTimeout = TimeSpan.FromSeconds(1) }.Validate();
        Assert.Equal(0, RedisReplicationSettings.Resolve(new BidLockOptions { DefaultTtl = TimeSpan.FromSeconds(1) }, TestEnvironment.Of()).MinReplicas);
    }

    [Fact]
    public void The_BidLocks_configuration_section_sets_both()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["BidLocks:MinReplicas"] = "2",
            ["BidLocks:MinReplicasTimeout"] = "00:00:00.250",
        }).Build();
        using var provider = new ServiceCollection().AddBidLocks(configuration).BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<BidLockOptions>>().Value;

        Assert.Equal((2, TimeSpan.FromMilliseconds(250)), (options.MinReplicas, options.MinReplicasTimeout));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_bad_MinReplicas_fails_the_connect_before_any_I_O()
    {
        // Nothing listens there: reaching the network would fail differently, and later.
        var options = new BidLockOptions { RedisUrl = TestEnvironment.UnreachableRedisUrl(), MinReplicas = -1 };

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => RedisBidLockManager.ConnectAsync(options, TestContext.Current.CancellationToken));

        Assert.Equal("MinReplicas", error.ParamName);
    }

    [Fact]
    public void MinReplicas_0_locks_with_the_plain_store_and_above_0_wraps_it()
    {
        // Nothing listens on that port: the stores are only built here, never used.
        var connection = ConnectionMultiplexer.Connect(new ConfigurationOptions { EndPoints = { { "127.0.0.1", TestEnvironment.FreeLoopbackPort() } }, AbortOnConnectFail = false, ConnectTimeout = 100 });
        using (connection)
        {
            var options = new BidLockOptions();
            var store = new RedisLockStore(connection, options, ownsConnection: false);

            Assert.Same(store, ReplicatedRedisLockStore.Over(store, new RedisReplicationSettings(0, options.MinReplicasTimeout, "test"), options));
            Assert.IsType<ReplicatedRedisLockStore>(ReplicatedRedisLockStore.Over(store, new RedisReplicationSettings(1, options.MinReplicasTimeout, "test"), options));
        }
    }

    [Fact]
    public void Health_counts_the_replicas_that_are_online_and_acknowledged_lately()
    {
        const string Info = "# Replication\r\nrole:master\r\nconnected_slaves:3\r\n"
            + "slave0:ip=10.0.0.2,port=6379,state=online,offset=100,lag=0\r\n"
            + "slave1:ip=10.0.0.3,port=6379,state=wait_bgsave,offset=0,lag=0\r\n"
            + "slave2:ip=10.0.0.4,port=6379,state=online,offset=90,lag=7\r\n"
            + "slave_read_repl_offset:1\r\nmaster_repl_offset:100\r\n";

        Assert.Equal(1, RedisReplicaHealth.CountAnswering(Info));
    }

    private static (int MinReplicas, string Source) Pick(RedisReplicationSettings settings) => (settings.MinReplicas, settings.Source);
}
