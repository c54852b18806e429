using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace BidLocks;

/// <summary>
/// With Sentinel: while the client has no connected primary, asks every server it knows for its role again, every
/// <see cref="Interval"/>, until one says primary. StackExchange.Redis connects to the replicas as well as the primary,
/// and when the Sentinels announce a replica it already knows as the new primary, it does not look again by itself: it
/// noticed the promotion only when something else made it reconnect, measured at 0.5 to 20 s after the announcement.
/// Asking costs a few commands per server and interval, and only while there is no primary.
/// </summary>
internal sealed class RedisSentinelFollower : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private readonly IConnectionMultiplexer _connection;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _disposed = new();
    private int _following;

    public RedisSentinelFollower(IConnectionMultiplexer connection, ILogger logger)
    {
        _connection = connection;
        _logger = logger;
        connection.ConnectionFailed += OnConnectionFailed;
    }

    public void Dispose()
    {
        _connection.ConnectionFailed -= OnConnectionFailed;
        _disposed.Cancel();
        _disposed.Dispose();
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

            RedisLog.PrimaryFound(_logger, RedisEndpoints.Describe(RedisEndpoints.Primary(_connection)));
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
