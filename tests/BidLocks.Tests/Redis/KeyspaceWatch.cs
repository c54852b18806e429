using StackExchange.Redis;

namespace BidLocks.Tests.Redis;

/// <summary>
/// Waits for a condition on one Redis key, checked again each time the server reports a change to that key
/// (keyspace notifications), so a test waits for the event rather than polling on a timer.
/// </summary>
internal static class KeyspaceWatch
{
    public static async Task UntilAsync(ConnectionMultiplexer raw, string key, Func<IDatabase, Task<bool>> condition, CancellationToken cancellationToken)
    {
        // Generic (g) and sorted-set (z) events on the key's own channel (K); enough for DEL, EXPIRE and ZADD/ZREM.
        await raw.GetServers()[0].ConfigSetAsync("notify-keyspace-events", "Kgz");
        var changed = new SemaphoreSlim(0);
        var subscriber = raw.GetSubscriber();
        var channel = RedisChannel.Literal($"__keyspace@0__:{key}");
        await subscriber.SubscribeAsync(channel, (_, _) => changed.Release());
        try
        {
            // Checked after subscribing, so a change between the check and the wait is not missed.
            while (!await condition(raw.GetDatabase()))
            {
                if (!await changed.WaitAsync(TimeSpan.FromSeconds(20), cancellationToken))
                {
                    throw new TimeoutException($"Redis key '{key}' did not reach the expected state within 20 s.");
                }
            }
        }
        finally
        {
            await subscriber.UnsubscribeAsync(channel);
        }
    }
}
