using StackExchange.Redis;

namespace BidLocks.Tests.Redis;

/// <summary>Helpers shared by the Redis tests: managers on their own connections, and raw access to the server.</summary>
internal static class RedisTestConnections
{
    public static Task<RedisBidLockManager> ConnectAsync(RedisServerProcess server, Action<BidLockOptions>? configure = null)
    {
        var options = new BidLockOptions { RedisUrl = server.Url };
        configure?.Invoke(options);
        return RedisBidLockManager.ConnectAsync(options, TestContext.Current.CancellationToken);
    }

    /// <summary>A plain client, as an operator (or an attacker) would use, to look at or change keys directly.</summary>
    public static async Task<ConnectionMultiplexer> RawAsync(RedisServerProcess server)
    {
        var options = ConfigurationOptions.Parse($"127.0.0.1:{server.Port}");
        options.Password = server.Password;
        options.AbortOnConnectFail = false;
        // INFO, CONFIG and the like, which an operator may run.
        options.AllowAdmin = true;
        return await ConnectionMultiplexer.ConnectAsync(options);
    }

    public static string LockKey(string marketplace, string posting) => BidLockKey.Create(BidLockDefaults.KeyPrefix, marketplace, posting).Value;
}
