using System.Diagnostics;
using StackExchange.Redis;

namespace BidLocks;

// The health check, answered from what the store knows and one PING that does not queue behind the lock steps.
internal sealed partial class RedisLockStore
{
    /// <summary>
    /// How long the health check waits for the server's PING. With the other steps of the check taking no round trip,
    /// this bounds the whole check (README: "health answers within 0.5 s").
    /// </summary>
    internal static readonly TimeSpan HealthPingTimeout = TimeSpan.FromMilliseconds(500);

    private static readonly TimeSpan DegradedLatency = TimeSpan.FromMilliseconds(250);

    private RedisServerIdentity? _identity;

    /// <summary>The server the manager verified at start: health names it without asking again.</summary>
    internal void KnowServer(RedisServerIdentity identity) => _identity = identity;

    public async ValueTask<BidLockHealth> CheckHealthAsync(CancellationToken cancellationToken)
    {
        var connection = _database.Multiplexer;
        var endpoint = RedisEndpoints.Primary(connection);
        var server = _identity ??= await IdentityAsync(connection, _database.Database, cancellationToken).ConfigureAwait(false);
        var version = server?.Version?.ToString();
        var where = $"{server?.ToString() ?? "Redis (version unknown)"} at {RedisEndpoints.Describe(endpoint)}";
        if (RedisPrimaryMove.IsMoving(_move.Version))
        {
            return new BidLockHealth(BidLockHealthStatus.Unhealthy, Backend, $"{where}: the Sentinels named another primary and the client is moving to it; every grant is refused until it has.", null, version);
        }

        var start = Stopwatch.GetTimestamp();
        TimeSpan latency;
        try
        {
            // On the subscription connection, to the primary: the lock steps' connection may be blocked for seconds by
            // WAITs for a slow replica (the server runs nothing else of a client while its WAIT blocks), and a replica
            // answering while the primary is away would report a backend that takes no lock.
            latency = await connection.GetSubscriber().PingAsync(CommandFlags.DemandMaster).WaitAsync(HealthPingTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return new BidLockHealth(BidLockHealthStatus.Unhealthy, Backend, $"{where} did not answer PING within {HealthPingTimeout.TotalMilliseconds:F0} ms.", null, version);
        }

        var measured = Stopwatch.GetElapsedTime(start);
        if (latency <= TimeSpan.Zero)
        {
            latency = measured;
        }

        var pinged = $"answered PING in {latency.TotalMilliseconds:F1} ms";
        if (latency > DegradedLatency)
        {
            return new BidLockHealth(BidLockHealthStatus.Degraded, Backend, $"{where} {pinged}, slower than {DegradedLatency.TotalMilliseconds:F0} ms.", latency, version);
        }

        if (_channel.IsSubscribed && !_connection.GetSubscriber().IsConnected(_channel.Channel))
        {
            return new BidLockHealth(BidLockHealthStatus.Degraded, Backend, $"{where} {pinged}, but release notifications are disconnected: waiters poll until they return.", latency, version);
        }

        return new BidLockHealth(BidLockHealthStatus.Healthy, Backend, $"{where} {pinged}.", latency, version);
    }

    // A multiplexer the application lent without the manager's start checks: read once, on the lock connection, and
    // not waited for past the PING's bound (it may queue behind a WAIT); unknown until it answers.
    private static async Task<RedisServerIdentity?> IdentityAsync(IConnectionMultiplexer connection, int database, CancellationToken cancellationToken)
    {
        try
        {
            return await RedisServerIdentity.ReadAsync(connection, database).WaitAsync(HealthPingTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is TimeoutException or RedisException)
        {
            return null;
        }
    }
}
