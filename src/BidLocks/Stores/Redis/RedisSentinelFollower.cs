using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace BidLocks;

/// <summary>
/// With Sentinel: while the client has no connected primary, asks every server it knows for its role again, every
/// <see cref="Interval"/>, until one says primary. StackExchange.Redis connects to the replicas as well as the primary,
/// and when the Sentinels announce a replica it already knows as the new primary, it does not look again by itself: it
/// noticed the promotion only when something else made it reconnect, measured at 0.5 to 20 s after the announcement.
/// Asking costs a few commands per server and interval, and only while there is no primary.
/// <para>
/// It also hears the Sentinels' <c>+switch-master</c> (<see cref="RedisSentinelAnnouncements"/>) and moves to the
/// primary they name at once, even while the old one still answers as a primary (a planned fail-over): it marks the
/// move begun (<see cref="RedisPrimaryMove"/>, so no grant counts meanwhile), opens a connection to the named server
/// alone (<see cref="RedisNamedPrimaryConnection"/>), hands it to the store for the lock steps, and ends the move.
/// </para>
/// <para>
/// The move begins earlier still, when a Sentinel announces that it starts a fail-over (<c>+try-failover</c>, about a
/// tenth of a second before it sends the replica <c>SLAVEOF NO ONE</c>), not at <c>+switch-master</c> (about a second
/// after the promotion): from the promotion on, the old primary still grants locks but no longer copies them to the new
/// one, so with <c>MinReplicas = 0</c> a grant there and one on the new primary were two holders. The move then waits
/// for <c>+switch-master</c> to name its target. If the Sentinel that started gives the fail-over up, or nothing is
/// announced within <see cref="StartBound"/>, the client moves to the primary the Sentinels name then (the old one, after
/// an abort): fail closed meanwhile, never back to the old primary while a fail-over may still promote another.
/// </para>
/// </summary>
internal sealed class RedisSentinelFollower : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MovePause = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// How long a move begun at a fail-over's start waits for <c>+switch-master</c> before it asks the Sentinels where
    /// the primary is. Measured from the start to the switch: about 1.2 s (docs/reliability.md); a Sentinel gives up a
    /// promotion that does not happen within its <c>failover-timeout</c> and says so (<c>-failover-abort-slave-timeout</c>),
    /// which ends the move sooner. Longer than both Sentinel's default election timeout (10 s) and our tests' 10 s
    /// <c>failover-timeout</c>, so that a slow fail-over is not mistaken for a lost one.
    /// </summary>
    internal static readonly TimeSpan StartBound = TimeSpan.FromSeconds(30);

    private readonly IConnectionMultiplexer _connection;
    private readonly RedisConnectionSettings _settings;
    private readonly ILogger _logger;
    private readonly RedisPrimaryMove _move;
    private readonly Action<RedisNamedPrimaryConnection> _route;
    private readonly Action _moved;
    private readonly RedisSentinelAnnouncements _announcements;
    private readonly CancellationTokenSource _disposed = new();
    private string? _named;
    private int _following;
    // 1 while MoveAsync runs (connecting to the named primary).
    private int _connecting;
    // The index of the Sentinel whose fail-over start began the move: only its abort ends it.
    private int _startedBy = -1;

    /// <param name="connection">The client's multiplexer, Sentinel-managed.</param>
    /// <param name="settings">Its settings: the Sentinels, the service, the login.</param>
    /// <param name="move">Marks the move under way.</param>
    /// <param name="route">
    /// Takes the connection to the named primary for the lock steps; called before the move ends. Always a connection
    /// of our own, even when the client's multiplexer seems to have the named primary alone: its view flips while the
    /// old primary reconnects (measured: back on the old primary for 7.6 s after such a shortcut).
    /// </param>
    /// <param name="moved">Called once the move has ended.</param>
    /// <param name="logger">Where the move is logged.</param>
    public RedisSentinelFollower(IConnectionMultiplexer connection, RedisConnectionSettings settings, RedisPrimaryMove move, Action<RedisNamedPrimaryConnection> route, Action moved, ILogger logger)
    {
        _connection = connection;
        _settings = settings;
        _logger = logger;
        _move = move;
        _route = route;
        _moved = moved;
        connection.ConnectionFailed += OnConnectionFailed;
        _announcements = RedisSentinelAnnouncements.Start(settings, OnPrimaryNamed, OnFailoverStarted, OnFailoverAborted, logger);
    }

    /// <summary>
    /// At start: the client may have found two servers that say "master" (a planned fail-over under way, the old
    /// primary not yet turned round), and elects one of them arbitrarily. Asks the Sentinels which one they name and,
    /// unless the client already writes to it alone, moves to it as for an announcement; returns once the move has
    /// ended, or after <paramref name="bound"/> (the move goes on; grants are refused until it ends).
    /// </summary>
    public async Task SettleAsync(TimeSpan bound)
    {
        try
        {
            await _announcements.Subscribed.WaitAsync(bound).ConfigureAwait(false);
            var named = await _announcements.AskPrimaryAsync().WaitAsync(bound).ConfigureAwait(false);
            if (named is not null && !ClientHasOnly(named))
            {
                OnPrimaryNamed(named);
            }

            await _move.WhenSettled.WaitAsync(bound).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Sentinels slow to answer: the client's own choice stands until they announce one.
        }
    }

    public void Dispose()
    {
        _connection.ConnectionFailed -= OnConnectionFailed;
        _disposed.Cancel();
        _disposed.Dispose();
        _ = _announcements.DisposeAsync().AsTask();
        _move.End();
    }

    private void OnPrimaryNamed(string endpoint)
    {
        // Each Sentinel announces the same switch: only the first of them starts a move. The primary already followed
        // is moved to again only by a move with no target yet (a fail-over given up).
        if (Volatile.Read(ref _named) == endpoint && (!RedisPrimaryMove.IsMoving(_move.Version) || Volatile.Read(ref _connecting) != 0))
        {
            return;
        }

        Volatile.Write(ref _named, endpoint);
        _move.Begin();
        // Logged once grants are refused, as it says.
        RedisLog.PrimaryNamed(_logger, endpoint);
        if (Interlocked.Exchange(ref _connecting, 1) == 0)
        {
            _ = Task.Run(MoveAsync);
        }
    }

    private void OnFailoverStarted(int sentinel)
    {
        Volatile.Write(ref _startedBy, sentinel);
        if (_move.Begin())
        {
            RedisLog.FailoverStarted(_logger);
            var version = _move.Version;
            _ = Task.Run(() => AwaitSwitchAsync(version));
        }
    }

    private void OnFailoverAborted(int sentinel)
    {
        if (Volatile.Read(ref _startedBy) == sentinel)
        {
            var version = _move.Version;
            _ = Task.Run(() => FollowNamedAsync(version));
        }
    }

    // A move begun at a fail-over's start with no +switch-master after StartBound: ask the Sentinels, and again every
    // StartBound while none answers (grants stay refused meanwhile).
    private async Task AwaitSwitchAsync(int version)
    {
        try
        {
            while (_move.Version == version)
            {
                await Task.Delay(StartBound, _disposed.Token).ConfigureAwait(false);
                await FollowNamedAsync(version).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException)
        {
            // Closed.
        }
    }

    /// <summary>Moves to the primary the Sentinels name now, unless the move begun at <paramref name="version"/> has a target already.</summary>
    private async Task FollowNamedAsync(int version)
    {
        if (_move.Version != version || !RedisPrimaryMove.IsMoving(version) || Volatile.Read(ref _connecting) != 0)
        {
            return;
        }

        if (await _announcements.AskPrimaryAsync().ConfigureAwait(false) is { } named && _move.Version == version)
        {
            OnPrimaryNamed(named);
        }
    }

    private async Task MoveAsync()
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        string named;
        try
        {
            var stop = _disposed.Token;
            while (true)
            {
                named = Volatile.Read(ref _named)!;
                try
                {
                    var connection = await RedisNamedPrimaryConnection.OpenAsync(_settings, named, stop).ConfigureAwait(false);
                    if (Volatile.Read(ref _named) == named)
                    {
                        _route(connection);
                        break;
                    }

                    // Overtaken by a newer announcement while connecting: follow that one.
                    await connection.DisposeAsync().ConfigureAwait(false);
                    continue;
                }
                catch (Exception exception) when (exception is RedisException or TimeoutException or System.Net.Sockets.SocketException or ArgumentException)
                {
                    // The named server does not answer as a primary yet: try again next time.
                }

                await Task.Delay(MovePause, stop).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException)
        {
            return;
        }

        _move.End();
        RedisLog.PrimaryMoved(_logger, named, (long)System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        _moved();
        Volatile.Write(ref _connecting, 0);
        // An announcement heard after the connection was handed over found the move still under way and started none.
        if (Volatile.Read(ref _named) != named && Interlocked.Exchange(ref _connecting, 1) == 0)
        {
            _move.Begin();
            _ = Task.Run(MoveAsync);
        }
    }

    // The client's multiplexer knows one connected server that says "master", and it is the named one.
    private bool ClientHasOnly(string named)
        => _connection.GetServers().Where(server => server.IsConnected && !server.IsReplica).Select(server => RedisEndpoints.Describe(server.EndPoint)).ToList()
            is [var only] && only == named;

    private bool HasPrimary => _connection.GetServers().Any(server => server.IsConnected && !server.IsReplica);

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Interactive && Interlocked.Exchange(ref _following, 1) == 0)
        {
            _ = Task.Run(FollowAsync);
        }
    }

    private async Task FollowAsync()
    {
        try
        {
            var stop = _disposed.Token;
            while (!HasPrimary)
            {
                await Task.Delay(Interval, stop).ConfigureAwait(false);
                try
                {
                    await _connection.ConfigureAsync().ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is RedisException or TimeoutException)
                {
                    // The servers are still coming back: ask again next time.
                }
            }

            // Only the primary the Sentinels named counts as found; another one is left to the move above.
            var found = RedisEndpoints.Describe(RedisEndpoints.Primary(_connection));
            if (Volatile.Read(ref _named) is not { } named || named == found)
            {
                RedisLog.PrimaryFound(_logger, found);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException)
        {
            // Closed: nothing to follow.
        }
        finally
        {
            Volatile.Write(ref _following, 0);
        }

        // A failure between the last look and the reset found the flag still set: look once more.
        try
        {
            if (!_disposed.IsCancellationRequested && !HasPrimary && Interlocked.Exchange(ref _following, 1) == 0)
            {
                _ = Task.Run(FollowAsync);
            }
        }
        catch (ObjectDisposedException)
        {
            // Closed meanwhile.
        }
    }
}
