using StackExchange.Redis;

namespace BidLocks;

/// <summary>
/// Redis <c>WAIT numreplicas timeout</c> after a lock step: how many replicas acknowledged every write this connection
/// made so far. <c>WAIT</c> cannot run inside a script, so it follows the script on the same multiplexer, whose one
/// connection to the primary carries both; it therefore also waits for the other writes of that multiplexer.
/// </summary>
/// <remarks>
/// <para>An acknowledgement counts only for the connection that made the write: a <c>WAIT</c> sent after the client
/// moved to another server (a fail-over between the script and the wait) would report that server's replicas for
/// writes it never saw. Every event of the multiplexer's interactive connections (failed, restored) and of its
/// endpoints (reconfigured) therefore moves <see cref="Epoch"/>, and a wait that straddles a move does not count: a
/// grant made while the client is still settling after a fail-over may be refused, never wrongly confirmed.</para>
/// <para>While <c>WAIT</c> blocks, the server runs nothing else from that connection: with a replica that stops
/// answering, the steps behind it wait too, up to the timeout each.</para>
/// </remarks>
internal sealed class RedisReplicaWait : IDisposable
{
    private readonly IConnectionMultiplexer _connection;
    private readonly Func<IDatabase> _database;
    private readonly object[] _arguments;
    private readonly bool _clustered;
    private int _epoch;
    private LastAcknowledgement? _last;

    /// <param name="connection">The client's multiplexer.</param>
    /// <param name="database">The database the lock steps run on now (it moves with a Sentinel fail-over, see <see cref="Watch"/>).</param>
    /// <param name="settings">How many replicas, how long.</param>
    public RedisReplicaWait(IConnectionMultiplexer connection, Func<IDatabase> database, RedisReplicationSettings settings)
    {
        _connection = connection;
        _database = database;
        Settings = settings;
        // Boxed once: every grant sends the same two numbers.
        _arguments = [settings.MinReplicas, settings.TimeoutMilliseconds];
        _clustered = IsCluster(connection);
        connection.ConnectionFailed += OnConnectionEvent;
        connection.ConnectionRestored += OnConnectionEvent;
        connection.ConfigurationChanged += OnEndpointEvent;
        connection.ConfigurationChangedBroadcast += OnEndpointEvent;
    }

    public RedisReplicationSettings Settings { get; }

    /// <summary>Moves on every connection event; read it before the lock step.</summary>
    public int Epoch => Volatile.Read(ref _epoch);

    /// <summary>
    /// Waits for the replicas; the acknowledgement counts for a step started at <paramref name="epoch"/> only when the
    /// connection did not change since.
    /// </summary>
    /// <exception cref="NotSupportedException">The client talks to a Redis Cluster (see <see cref="IsCluster"/>).</exception>
    public async Task<ReplicaAcknowledgement> AwaitAsync(int epoch)
    {
        if (_clustered)
        {
            throw new NotSupportedException(ClusterRefusal);
        }

        var acknowledged = (long)await _database().ExecuteAsync("WAIT", _arguments, CommandFlags.DemandMaster).ConfigureAwait(false);
        // One small allocation per grant, on the MinReplicas path only, where the WAIT's round trip dwarfs it.
        Volatile.Write(ref _last, new LastAcknowledgement((int)acknowledged, System.Diagnostics.Stopwatch.GetTimestamp()));
        return new ReplicaAcknowledgement((int)acknowledged, Settings.MinReplicas, ConnectionChanged: Epoch != epoch);
    }

    /// <summary>What the last <c>WAIT</c> found, and when it answered; null before the first.</summary>
    public LastAcknowledgement? Last => Volatile.Read(ref _last);

    /// <summary>
    /// At start: the server must know <c>WAIT</c> and let this user run it, or every grant would fail. Waits for no
    /// replica, so it answers at once.
    /// </summary>
    public static async Task VerifyAsync(IConnectionMultiplexer connection, int database, string where, RedisReplicationSettings settings)
    {
        if (IsCluster(connection))
        {
            throw new BidLockUnavailableException(RedisLockStore.BackendName, $"Refusing the server at {where}: {settings.Source}={settings.MinReplicas}, but {ClusterRefusal}")
            {
                StartFailure = RedisStartFailure.Refused,
            };
        }

        try
        {
            await connection.GetDatabase(database).ExecuteAsync("WAIT", [0, 1], CommandFlags.DemandMaster).ConfigureAwait(false);
        }
        catch (RedisServerException exception)
        {
            throw new BidLockUnavailableException(
                RedisLockStore.BackendName,
                $"Refusing the server at {where}: {settings.Source}={settings.MinReplicas} needs the WAIT command after each grant, and the server refused it ({exception.Message}). "
                    + "Use a Redis whose replicas acknowledge WAIT (and grant +wait to an ACL user), or set MinReplicas to 0.",
                exception)
            {
                StartFailure = RedisStartFailure.Refused,
            };
        }
    }

    private const string ClusterRefusal =
        "MinReplicas is not supported on Redis Cluster yet: WAIT would have to follow each lock to the node that owns its slot, and the client sends it to any node, whose count says nothing of the grant. Set MinReplicas to 0 there.";

    /// <summary>
    /// True on Redis Cluster: a <c>WAIT</c> without a key goes to whichever node the client picks, not to the one that
    /// made the grant, and a node with nothing to replicate answers at once with all its replicas.
    /// </summary>
    private static bool IsCluster(IConnectionMultiplexer connection) => connection.GetServers().Any(server => server.ServerType == ServerType.Cluster);

    /// <summary>
    /// The lock steps moved to <paramref name="other"/> (the primary the Sentinels named): a wait sent there says nothing
    /// of a step sent before, and its connection's events count from now on (closed by its owner, so never unwatched).
    /// </summary>
    public void Watch(IConnectionMultiplexer other)
    {
        other.ConnectionFailed += OnConnectionEvent;
        other.ConnectionRestored += OnConnectionEvent;
        Interlocked.Increment(ref _epoch);
    }

    public void Dispose()
    {
        _connection.ConnectionFailed -= OnConnectionEvent;
        _connection.ConnectionRestored -= OnConnectionEvent;
        _connection.ConfigurationChanged -= OnEndpointEvent;
        _connection.ConfigurationChangedBroadcast -= OnEndpointEvent;
    }

    // The lock steps and the WAIT travel on interactive connections; the subscription's coming and going says nothing
    // about them.
    private void OnConnectionEvent(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Interactive)
        {
            Interlocked.Increment(ref _epoch);
        }
    }

    private void OnEndpointEvent(object? sender, EndPointEventArgs e) => Interlocked.Increment(ref _epoch);
}

/// <summary>What one <c>WAIT</c> found.</summary>
/// <param name="Acknowledged">Replicas that acknowledged the connection's writes.</param>
/// <param name="Required">Replicas <see cref="BidLockOptions.MinReplicas"/> asks for.</param>
/// <param name="ConnectionChanged">The connection moved between the step and the wait, so the count says nothing of the step.</param>
internal readonly record struct ReplicaAcknowledgement(int Acknowledged, int Required, bool ConnectionChanged)
{
    public bool Confirmed => Acknowledged >= Required && !ConnectionChanged;

    /// <summary>Why it does not count, for messages.</summary>
    public string Describe(TimeSpan timeout) => ConnectionChanged
        ? $"the connection to Redis changed between the step and the replicas' acknowledgement (a fail-over?), so {Acknowledged} acknowledgement(s) cannot be counted for it"
        : $"only {Acknowledged} of the {Required} replica(s) that MinReplicas requires acknowledged it within {timeout.TotalMilliseconds:F0} ms (WAIT)";
}

/// <summary>How many replicas the last <c>WAIT</c> counted, and when (a <see cref="System.Diagnostics.Stopwatch"/> timestamp).</summary>
internal sealed record LastAcknowledgement(int Acknowledged, long At);
