using RedLockNet.SERedis;
using RedLockNet.SERedis.Configuration;
using StackExchange.Redis;

namespace BidLocks.Benchmarks.Contenders;

/// <summary>RedLock.net on one server; waiting retries every 10 ms (its own retry loop, no notification).</summary>
internal sealed class RedLockContender : Contender
{
    private static readonly TimeSpan Expiry = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Retry = TimeSpan.FromMilliseconds(10);
    private readonly RedLockFactory _factory;

    public RedLockContender(ConnectionMultiplexer connection)
    {
        _factory = RedLockFactory.Create([new RedLockMultiplexer(connection)]);
    }

    public override string Name => "RedLock.net 2.3.2";

    public override async Task CycleAsync(int worker, string posting)
    {
        await using var redLock = await _factory.CreateLockAsync($"rl:{posting}", Expiry);
        if (!redLock.IsAcquired)
        {
            throw new InvalidOperationException("A worker's own key was taken.");
        }
    }

    public override async Task<Func<Task>> HoldAsync(int worker, string key)
    {
        var redLock = await _factory.CreateLockAsync($"rl:{key}", Expiry, Wait, Retry);
        if (!redLock.IsAcquired)
        {
            throw new InvalidOperationException("Timed out waiting for the lock.");
        }

        return async () => await redLock.DisposeAsync();
    }

    public override ValueTask DisposeAsync()
    {
        _factory.Dispose();
        return ValueTask.CompletedTask;
    }
}
