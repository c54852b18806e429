using StackExchange.Redis;

namespace BidLocks.Tests.Redis;

/// <summary>A manager on a multiplexer the application already has: it locks through it and leaves it open.</summary>
public sealed class RedisUserConnectionTests(SharedRedisServer redis)
{
    [Fact(Timeout = 60_000)]
    public async Task A_manager_on_the_callers_multiplexer_locks_and_leaves_it_open()
    {
        var cancel = TestContext.Current.CancellationToken;
        var marketplace = "mkt-" + Guid.NewGuid().ToString("N");
        using var connection = await RedisTestConnections.RawAsync(redis.Server);
        var manager = new RedisBidLockManager(connection, new BidLockOptions { InstanceId = "shared-connection" });
        await using var other = await RedisTestConnections.ConnectAsync(redis.Server);

        var lease = await manager.AcquireAsync(marketplace, "posting", cancellationToken: cancel);
        var value = await connection.GetDatabase().StringGetAsync(RedisTestConnections.LockKey(marketplace, "posting"));
        Assert.Null(await other.TryAcquireAsync(marketplace, "posting", TimeSpan.Zero, cancel));
        await manager.DisposeAsync();

        Assert.Same(connection, manager.Connection);
        Assert.Equal(lease.HolderId, (string?)value);
        Assert.False(lease.IsHeld);
        Assert.True(connection.IsConnected);
        Assert.True(await connection.GetDatabase().PingAsync() >= TimeSpan.Zero);
        await using var after = await other.AcquireAsync(marketplace, "posting", TimeSpan.FromSeconds(10), cancel);
        Assert.True(after.FencingToken > lease.FencingToken);
    }
}
