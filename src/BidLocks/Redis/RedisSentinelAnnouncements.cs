using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace BidLocks;

/// <summary>
/// With Sentinel: hears the Sentinels' <c>+switch-master</c> announcements for the service on a connection of its own
/// to the Sentinels, and reports the primary they name. StackExchange.Redis hears them too, but when the old primary is
/// still up (a planned fail-over, <c>SENTINEL FAILOVER</c>) it finds two servers that say "master" and picks one of
/// them arbitrarily, measured as the old one for about 10 s, until Sentinel turned it into a replica.
/// </summary>
internal sealed class RedisSentinelAnnouncements : IAsyncDisposable
{
    private static readonly RedisChannel SwitchMaster = RedisChannel.Literal("+switch-master");

    private readonly string _service;
    private readonly Action<string> _primaryNamed;
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ConnectionMultiplexer? _sentinels;

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
        foreach (var sentinel in _sentinels?.GetServers() ?? [])
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
        var sentinels = Interlocked.Exchange(ref _sentinels, null);
        if (sentinels is not null)
        {
            await sentinels.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task SubscribeAsync(RedisConnectionSettings settings, ILogger logger)
    {
        try
        {
            var sentinels = await ConnectionMultiplexer.SentinelConnectAsync(settings.ToSentinelOptions()).ConfigureAwait(false);
            _sentinels = sentinels;
            await sentinels.GetSubscriber().SubscribeAsync(SwitchMaster, (_, message) => OnSwitch(message)).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException or ObjectDisposedException)
        {
            RedisLog.SentinelSubscribeFailed(logger, exception);
        }
        finally
        {
            _subscribed.TrySetResult();
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
