using StackExchange.Redis;

namespace BidLocks;

/// <summary>
/// With Sentinel: a multiplexer of BidLocks' own to the one server the Sentinels named the primary
/// (<c>+switch-master</c>), opened at the switch; the lock steps travel on it from then on (see
/// <see cref="RedisSentinelFollower"/>).
/// </summary>
/// <remarks>
/// Why not the client's own multiplexer: it knows the replicas as well as the primary, and during a planned fail-over
/// (<c>SENTINEL FAILOVER</c>) the old primary still says "master" until Sentinel turns it into a replica, up to about
/// ten seconds later. StackExchange.Redis 2.8 then has two primaries and writes to either (measured: the old one for 6 to
/// 10 s); a <c>TieBreaker</c> key naming the new one did not change that. A multiplexer given one endpoint and no service
/// name has nothing to choose from, so the move does not depend on how a client version elects among primaries (which
/// is internal to it and may change, in 3.x too): it is done as soon as this connects, a TCP connect and a handshake.
/// </remarks>
internal sealed class RedisNamedPrimaryConnection : IAsyncDisposable
{
    private readonly ConnectionMultiplexer _connection;

    private RedisNamedPrimaryConnection(ConnectionMultiplexer connection, string endpoint, int database)
    {
        _connection = connection;
        Endpoint = endpoint;
        Database = connection.GetDatabase(database);
    }

    /// <summary><c>host:port</c>, as the Sentinels announced it.</summary>
    public string Endpoint { get; }

    public IDatabase Database { get; }

    public IConnectionMultiplexer Connection => _connection;

    /// <summary>
    /// Connects to <paramref name="endpoint"/> with the login, TLS and timeouts of <paramref name="settings"/>. Throws
    /// when it cannot, or when the server says it is a replica (an announcement already overtaken by another).
    /// </summary>
    public static async Task<RedisNamedPrimaryConnection> OpenAsync(RedisConnectionSettings settings, string endpoint, CancellationToken cancellationToken)
    {
        var options = settings.ToConfigurationOptions();
        options.ServiceName = null;
        options.EndPoints.Clear();
        options.EndPoints.Add(endpoint);
        var connection = await ConnectionMultiplexer.ConnectAsync(options).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (connection.GetServers() is not [{ IsConnected: true, IsReplica: false }])
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, $"{endpoint} does not answer as a primary.");
        }

        return new RedisNamedPrimaryConnection(connection, endpoint, settings.Database);
    }

    /// <summary>Lets the commands still on their way finish, then closes.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _connection.CloseAsync(allowCommandsToComplete: true).ConfigureAwait(false);
        }
        finally
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
