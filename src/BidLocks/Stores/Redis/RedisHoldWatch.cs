using StackExchange.Redis;

namespace BidLocks;

/// <summary>
/// Tells the manager when the locks it holds in Redis may have gone without a word: a server that restarts without
/// persistence comes back empty, and a fail-over promotes a replica that may lack the newest grants. The client sees
/// both: its connection drops (<see cref="HoldsInDoubt.Disconnected"/>), then comes back or moves to another server
/// (<see cref="HoldsInDoubt.Reconnected"/>). Without this, a holder learned of the loss only at its next renewal, up to
/// a third of the TTL later, while another bidder already held the lock.
/// </summary>
/// <remarks>
/// Every reconnection counts, not only one to a server with a new <c>run_id</c>: a restart always drops the connection,
/// and a connection that was away for long enough may also have outlived the holds it made. Verifying costs one
/// renewal per held lease. The subscription's connection is left out: the lock steps never travel on it.
/// </remarks>
internal sealed class RedisHoldWatch : IDisposable
{
    private readonly IConnectionMultiplexer _connection;
    private Action<HoldsInDoubt>? _inDoubt;

    public RedisHoldWatch(IConnectionMultiplexer connection)
    {
        _connection = connection;
        connection.ConnectionFailed += OnConnectionFailed;
        connection.ConnectionRestored += OnConnectionRestored;
        connection.ConfigurationChanged += OnEndpointChanged;
        connection.ConfigurationChangedBroadcast += OnEndpointChanged;
    }

    public void OnHoldsInDoubt(Action<HoldsInDoubt> inDoubt) => _inDoubt = inDoubt;

    /// <summary>
    /// Watches <paramref name="other"/> too: the connection to the primary the Sentinels named, which carries the lock
    /// steps after a fail-over (closed by its owner, so never unwatched).
    /// </summary>
    public void Watch(IConnectionMultiplexer other)
    {
        other.ConnectionFailed += OnConnectionFailed;
        other.ConnectionRestored += OnConnectionRestored;
    }

    /// <summary>The client moved to the primary the Sentinels named (<see cref="RedisSentinelFollower"/>): verify every hold there.</summary>
    public void PrimaryMoved() => _inDoubt?.Invoke(HoldsInDoubt.Reconnected);

    public void Dispose()
    {
        _connection.ConnectionFailed -= OnConnectionFailed;
        _connection.ConnectionRestored -= OnConnectionRestored;
        _connection.ConfigurationChanged -= OnEndpointChanged;
        _connection.ConfigurationChangedBroadcast -= OnEndpointChanged;
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Interactive)
        {
            _inDoubt?.Invoke(HoldsInDoubt.Disconnected);
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Interactive)
        {
            _inDoubt?.Invoke(HoldsInDoubt.Reconnected);
        }
    }

    // A fail-over or a role change: the primary the lock steps go to may be another server now.
    private void OnEndpointChanged(object? sender, EndPointEventArgs e) => _inDoubt?.Invoke(HoldsInDoubt.Reconnected);
}
