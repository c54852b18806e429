using BidLocks.Tests.Support;
using StackExchange.Redis;

namespace BidLocks.Tests.Redis;

/// <summary>
/// All or nothing when the backend fails part way through a set, on a real Redis: the postings already taken are
/// released before the caller sees <see cref="BidLockUnavailableException"/>. The fault is injected after the real
/// server answered (<see cref="FaultAfterQueuingStore"/>); everything else is real.
/// </summary>
public sealed class RedisMultiPostingFailureTests(SharedRedisServer redis)
{
    private readonly string _marketplace = "mkt-" + Guid.NewGuid().ToString("N");

    [Fact(Timeout = 60_000)]
    public async Task A_backend_failure_on_a_later_posting_releases_the_earlier_ones_before_the_call_throws()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var holder = await RedisTestConnections.ConnectAsync(redis.Server);
        using var raw = await RedisTestConnections.RawAsync(redis.Server);
        var options = new BidLockOptions { RedisUrl = redis.Url };
        var connection = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{redis.Server.Port}");
        await using var failing = new ManagerOverStore(
            new FaultAfterQueuingStore(new RedisLockStore(connection, options, ownsConnection: true), () => new RedisConnectionException(ConnectionFailureType.SocketFailure, "dropped")),
            options);
        await using var held = await holder.AcquireAsync(_marketplace, "f3", cancellationToken: cancel);

        var error = await Assert.ThrowsAsync<BidLockUnavailableException>(async () =>
            await failing.AcquireManyAsync(_marketplace, ["f3", "f1", "f2"], new BidLockAcquireOptions(TimeSpan.FromSeconds(30)), cancel));

        // f1 and f2 come first in lock order and were taken; by the time the call threw they were released.
        Assert.Contains("dropped", error.Message, StringComparison.Ordinal);
        Assert.False(await raw.GetDatabase().KeyExistsAsync(RedisTestConnections.LockKey(_marketplace, "f1")));
        Assert.False(await raw.GetDatabase().KeyExistsAsync(RedisTestConnections.LockKey(_marketplace, "f2")));
        Assert.Equal(2, failing.GetMetrics().LockReleases);
        Assert.True(held.IsHeld);
    }
}
