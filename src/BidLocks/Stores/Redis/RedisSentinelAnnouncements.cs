using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace BidLocks;

/// <summary>
/// With Sentinel: hears the Sentinels' announcements for the service on a connection of its own to each Sentinel: the
/// start of a fail-over (<see cref="FailoverStarts"/>), its end (<c>+switch-master</c>, naming the new primary) and its
/// abort (<see cref="FailoverAborts"/>). Each Sentinel, not one: only the one that runs a fail-over announces its start,
/// and it announces the switch at once, the others only when they hear of it (their hello messages, every 2 s; measured
/// 1.1 s and 6.4 s late). The same switch is then reported once per Sentinel; the follower ignores a primary it
/// already follows. StackExchange.Redis hears the switch too, but when the old primary is still up (a planned fail-over,
/// <c>SENTINEL FAILOVER</c>) it finds two servers that say "master" and picks one of them arbitrarily, measured as the
/// old one for about 10 s, until Sentinel turned it into a replica.
/// </summary>
/// <remarks>
/// A Sentinel that cannot be reached or subscribed to at start is tried again in the background until it is: a
/// process that started on a loaded machine, whose first connects all timed out, used to hear no announcement at all
/// and moved only when the old primary dropped it (9.1 s after the switch, once).
/// </remarks>
internal sealed class RedisSentinelAnnouncements : IAsyncDisposable
{
    private static readonly RedisChannel SwitchMaster = RedisChannel.Literal("+switch-master");

    /// <summary>
    /// What the Sentinel running a fail-over publishes before it sends <c>SLAVEOF NO ONE</c> to the replica it promotes
    /// (captured on a real one, in order: <c>+try-failover</c>, <c>+elected-leader</c>,
    /// <c>+failover-state-select-slave</c>, <c>+selected-slave</c>, <c>+failover-state-send-slaveof-noone</c>, then the
    /// promotion; docs/reliability.md). The earliest is heard first: the margin before the promotion is the point.
    /// </summary>
    private static readonly RedisChannel[] FailoverStarts =
        [RedisChannel.Literal("+try-failover"), RedisChannel.Literal("+failover-state-select-slave"), RedisChannel.Literal("+failover-state-send-slaveof-noone")];

    /// <summary>What a Sentinel publishes when it gives up a fail-over it began: the primary stays where it was.</summary>
    private static readonly RedisChannel[] FailoverAborts =
        [RedisChannel.Literal("-failover-abort-not-elected"), RedisChannel.Literal("-failover-abort-no-good-slave"), RedisChannel.Literal("-failover-abort-slave-timeout")];

    private static readonly TimeSpan FirstRetryPause = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan LongestRetryPause = TimeSpan.FromSeconds(5);

    private readonly string _service;
    private readonly Action<string> _primaryNamed;
    private readonly Action<int> _failoverStarted;
    private readonly Action<int> _failoverAborted;
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _closed = new();
    private readonly object _gate = new();
    private List<ConnectionMultiplexer> _sentinels = [];
    private int _firstTriesLeft;

    private RedisSentinelAnnouncements(string service, Action<string> primaryNamed, Action<int> failoverStarted, Action<int> failoverAborted, int sentinels)
    {
        _service = service;
        _primaryNamed = primaryNamed;
        _failoverStarted = failoverStarted;
        _failoverAborted = failoverAborted;
        _firstTriesLeft = sentinels;
    }

    /// <summary>
    /// Connects to the Sentinels in the background and calls <paramref name="primaryNamed"/> with <c>host:port</c> of
    /// each primary they announce for the service, <paramref name="failoverStarted"/> when one of them starts a
    /// fail-over of it and <paramref name="failoverAborted"/> when one gives a fail-over up (both with the Sentinel's
    /// index in the settings, so that an abort is matched with the start of the same Sentinel). A failure is logged
    /// and the Sentinel tried again: the client meanwhile still follows a fail-over when its connection to the old
    /// primary drops.
    /// </summary>
    public static RedisSentinelAnnouncements Start(
        RedisConnectionSettings settings, Action<string> primaryNamed, Action<int> failoverStarted, Action<int> failoverAborted, ILogger logger)
    {
        var announcements = new RedisSentinelAnnouncements(settings.SentinelService!, primaryNamed, failoverStarted, failoverAborted, settings.Sentinels.Count);
        if (settings.Sentinels.Count == 0)
        {
            announcements._subscribed.TrySetResult();
        }

        for (var index = 0; index < settings.Sentinels.Count; index++)
        {
            var sentinel = index;
            _ = Task.Run(() => announcements.SubscribeToAsync(settings, sentinel, logger));
        }

        return announcements;
    }

    /// <summary>Completes once every Sentinel has been tried once (subscribed, or failed and logged; it is tried again).</summary>
    public Task Subscribed => _subscribed.Task;

    /// <summary>
    /// <c>host:port</c> of the primary the Sentinels name now (<c>SENTINEL get-master-addr-by-name</c>, from the first
    /// Sentinel that answers); null when none does.
    /// </summary>
    public async Task<string?> AskPrimaryAsync()
    {
        List<ConnectionMultiplexer> sentinels;
        lock (_gate)
        {
            sentinels = _sentinels;
        }

        foreach (var sentinel in sentinels.SelectMany(connection => connection.GetServers()))
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
        List<ConnectionMultiplexer> sentinels;
        lock (_gate)
        {
            if (_closed.IsCancellationRequested)
            {
                return;
            }

            _closed.Cancel();
            sentinels = _sentinels;
            _sentinels = [];
        }

        foreach (var sentinel in sentinels)
        {
            await sentinel.DisposeAsync().ConfigureAwait(false);
        }
    }

    // One multiplexer per Sentinel: a multiplexer subscribes to a channel on one of its servers only. Tried until it
    // subscribes or the announcements are closed; StackExchange.Redis itself subscribes again after a reconnection.
    private async Task SubscribeToAsync(RedisConnectionSettings settings, int index, ILogger logger)
    {
        var pause = FirstRetryPause;
        var first = true;
        while (!_closed.IsCancellationRequested)
        {
            ConnectionMultiplexer? connection = null;
            try
            {
                var sentinel = settings.Sentinels[index];
                var options = settings.ToSentinelOptions();
                options.EndPoints.Clear();
                options.EndPoints.Add(RedisConnectionSettings.EndPointOf(sentinel.Host, sentinel.Port));
                connection = await ConnectionMultiplexer.SentinelConnectAsync(options).ConfigureAwait(false);
                var subscriber = connection.GetSubscriber();
                await subscriber.SubscribeAsync(SwitchMaster, (_, message) => OnSwitch(message)).ConfigureAwait(false);
                foreach (var channel in FailoverStarts)
                {
                    await subscriber.SubscribeAsync(channel, (_, message) => OnFailoverEvent(message, index, _failoverStarted)).ConfigureAwait(false);
                }

                foreach (var channel in FailoverAborts)
                {
                    await subscriber.SubscribeAsync(channel, (_, message) => OnFailoverEvent(message, index, _failoverAborted)).ConfigureAwait(false);
                }

                if (Keep(connection))
                {
                    connection = null;
                }

                return;
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException or ObjectDisposedException)
            {
                if (first)
                {
                    RedisLog.SentinelSubscribeFailed(logger, exception);
                }
            }
            finally
            {
                if (connection is not null)
                {
                    await connection.DisposeAsync().ConfigureAwait(false);
                }

                if (first)
                {
                    first = false;
                    if (Interlocked.Decrement(ref _firstTriesLeft) == 0)
                    {
                        _subscribed.TrySetResult();
                    }
                }
            }

            try
            {
                await Task.Delay(pause, _closed.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            pause = pause * 2 < LongestRetryPause ? pause * 2 : LongestRetryPause;
        }
    }

    /// <summary>Adds a subscribed connection to the ones kept; false once closed (the caller disposes it).</summary>
    private bool Keep(ConnectionMultiplexer connection)
    {
        lock (_gate)
        {
            if (_closed.IsCancellationRequested)
            {
                return false;
            }

            _sentinels = [.. _sentinels, connection];
            return true;
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

    // "master <name> <ip> <port>", or "<instance-type> <name> <ip> <port> @ <master-name> <master-ip> <master-port>".
    private void OnFailoverEvent(RedisValue message, int sentinel, Action<int> report)
    {
        var parts = ((string?)message ?? string.Empty).Split(' ');
        var at = Array.IndexOf(parts, "@");
        var master = at >= 0 ? (at + 1 < parts.Length ? parts[at + 1] : null) : (parts is ["master", var name, ..] ? name : null);
        if (master == _service)
        {
            report(sentinel);
        }
    }
}
