using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace BidLocks;

/// <summary>
/// With Sentinel: hears the Sentinels' <c>+switch-master</c> announcements for the service on a connection of its own
/// to each Sentinel, and reports the primary they name. Each Sentinel, not one: the one that ran the fail-over announces
/// it at once, the others only when they hear of it (their hello messages, every 2 s), and a client subscribed to one
/// of those heard the switch up to seconds late (measured: 1.1 s, 6.4 s). The same switch is then reported once per
/// Sentinel; the follower ignores a primary it already follows. StackExchange.Redis hears them too, but when the old primary is
/// still up (a planned fail-over, <c>SENTINEL FAILOVER</c>) it finds two servers that say "master" and picks one of
/// them arbitrarily, measured as the old one for about 10 s, until Sentinel turned it into a replica.
/// </summary>
internal sealed class RedisSentinelAnnouncements : IAsyncDisposable
{
    private static readonly RedisChannel SwitchMaster = RedisChannel.Literal("+switch-master");

    private readonly string _service;
    private readonly Action<string> _primaryNamed;
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ConnectionMultiplexer[] _sentinels = [];

    private RedisSentinelAnnouncements(string service, Action<string> primaryNamed)
    {
        _service = service;
        _primaryNamed = primaryNamed;
    }

    /// <summary>
    /// Connects to the Sentinels in the background and calls <paramref name="primaryNamed"/> with <c>host:port</c> of
    /// each primary they announce for the service. A failure is logged: the client then still follows a fail-over when
    /// its connection to the old primary drops.
    /// </summary>
    public static RedisSentinelAnnouncements Start(RedisConnectionSettings settings, Action<string> primaryNamed, ILogger logger)
    {
        var announcements = new RedisSentinelAnnouncements(settings.SentinelService!, primaryNamed);
        _ = Task.Run(() => announcements.SubscribeAsync(settings, logger));
        return announcements;
    }

    /// <summary>Completes once the subscription is made, or has failed (and was logged).</summary>
    public Task Subscribed => _subscribed.Task;

    /// <summary>
    /// <c>host:port</c> of the primary the Sentinels name now (<c>SENTINEL get-master-addr-by-name</c>, from the first
    /// Sentinel that answers); null when none does.
    /// </summary>
    public async Task<string?> AskPrimaryAsync()
    {
        foreach (var sentinel in Volatile.Read(ref _sentinels).SelectMany(connection => connection.GetServers()))
        {
            try
            {
                if (sentinel.IsConnected && await sentinel.SentinelGetMasterAddressByNameAsync(_service).ConfigureAwait(false) is { } primary)
                {
                    return RedisEndpoints.Describe(primary);
                }
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException)
            {
                // Ask the next one.
            }
        }

        return null;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var sentinel in Interlocked.Exchange(ref _sentinels, []))
        {
            await sentinel.DisposeAsync().ConfigureAwait(false);
        }
    }

    // One multiplexer per Sentinel: a multiplexer subscribes to a channel on one of its servers only.
    private async Task SubscribeAsync(RedisConnectionSettings settings, ILogger logger)
    {
        try
        {
            var subscriptions = settings.Sentinels.Select(sentinel => SubscribeToAsync(settings, sentinel, logger)).ToList();
            var connected = await Task.WhenAll(subscriptions).ConfigureAwait(false);
            Volatile.Write(ref _sentinels, connected.OfType<ConnectionMultiplexer>().ToArray());
        }
        finally
        {
            _subscribed.TrySetResult();
        }
    }

    private async Task<ConnectionMultiplexer?> SubscribeToAsync(RedisConnectionSettings settings, RedisHostAndPort sentinel, ILogger logger)
    {
        try
        {
            var options = settings.ToSentinelOptions();
            options.EndPoints.Clear();
            options.EndPoints.Add(RedisConnectionSettings.EndPointOf(sentinel.Host, sentinel.Port));
            var connection = await ConnectionMultiplexer.SentinelConnectAsync(options).ConfigureAwait(false);
            await connection.GetSubscriber().SubscribeAsync(SwitchMaster, (_, message) => OnSwitch(message)).ConfigureAwait(false);
            return connection;
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException or ObjectDisposedException)
        {
            RedisLog.SentinelSubscribeFailed(logger, exception);
            return null;
        }
    }

    // "<service> <old ip> <old port> <new ip> <new port>"
    private void OnSwitch(RedisValue message)
    {
        var parts = ((string?)message ?? string.Empty).Split(' ');
        if (parts.Length == 5 && parts[0] == _service)
        {
            _primaryNamed($"{parts[3]}:{parts[4]}");
        }
    }
}
