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
/// move begun (<see cref="RedisPrimaryMove"/>, so no grant counts meanwhile), writes the name of the new primary into
/// the tie-breaker key (<see cref="TieBreakerKey"/>) on each server that says "master" (StackExchange.Redis elects,
/// among several, the one the tie-breakers name), has the client read the servers' roles again, and ends the move once
/// the client's commands go to the named primary.
/// </para>
/// </summary>
internal sealed class RedisSentinelFollower : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MovePause = TimeSpan.FromMilliseconds(100);

    private readonly IConnectionMultiplexer _connection;
    private readonly ILogger _logger;
    private readonly RedisPrimaryMove _move;
    private readonly Action _moved;
    private readonly RedisKey _tieBreaker;
    private readonly RedisSentinelAnnouncements _announcements;
    private readonly CancellationTokenSource _disposed = new();
    private string? _named;
    private int _following;

    public RedisSentinelFollower(IConnectionMultiplexer connection, RedisConnectionSettings settings, string keyPrefix, RedisPrimaryMove move, Action moved, ILogger logger)
    {
        _connection = connection;
        _logger = logger;
        _move = move;
        _moved = moved;
        _tieBreaker = TieBreakerKey(keyPrefix);
        connection.ConnectionFailed += OnConnectionFailed;
        _announcements = RedisSentinelAnnouncements.Start(settings, OnPrimaryNamed, logger);
    }

    /// <summary>
    /// The key StackExchange.Redis reads on every server to elect a primary among several (its <c>TieBreaker</c>
    /// option): under the key prefix, so that the ACL the README gives covers it.
    /// </summary>
    public static string TieBreakerKey(string keyPrefix) => keyPrefix + "sentinel-primary";

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
        Volatile.Write(ref _named, endpoint);
        RedisLog.PrimaryNamed(_logger, endpoint);
        if (_move.Begin())
        {
            _ = Task.Run(MoveAsync);
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
                    if (await WritesToAsync(named).ConfigureAwait(false))
                    {
                        break;
                    }

                    await NominateAsync(named).ConfigureAwait(false);
                    await _connection.ConfigureAsync().ConfigureAwait(false);
                    if (await WritesToAsync(named).ConfigureAwait(false))
                    {
                        break;
                    }
                }
                catch (Exception exception) when (exception is RedisException or TimeoutException)
                {
                    // The servers are still switching roles: try again next time.
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
    }

    // Every server that says "master" is told which one the Sentinels named; the old primary's copy goes with its data
    // when Sentinel makes it a replica. A server that refuses (a replica by now, or gone) has no vote to give anyway.
    private async Task NominateAsync(string named)
    {
        foreach (var server in _connection.GetServers().Where(server => server.IsConnected && !server.IsReplica))
        {
            try
            {
                await server.ExecuteAsync("SET", _tieBreaker, named).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException)
            {
                // See above.
            }
        }
    }

    // True when the client's primary is the named one: each pick among the primaries it knows (several picks, since it
    // takes turns among them when it has not elected one).
    private async Task<bool> WritesToAsync(string named)
    {
        var database = _connection.GetDatabase();
        for (var pick = 0; pick < 3; pick++)
        {
            var endpoint = await database.IdentifyEndpointAsync(default, CommandFlags.DemandMaster).ConfigureAwait(false);
            if (endpoint is null || RedisEndpoints.Describe(endpoint) != named)
            {
                return false;
            }
        }

        return true;
    }

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
