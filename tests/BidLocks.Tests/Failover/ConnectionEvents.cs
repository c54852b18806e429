using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using StackExchange.Redis;

namespace BidLocks.Tests.Failover;

/// <summary>What a client's multiplexer went through (connections failed and restored, endpoints reconfigured), timed, for the test's output.</summary>
internal sealed class ConnectionEvents
{
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly ConcurrentQueue<string> _events = new();

    public ConnectionEvents(IConnectionMultiplexer connection)
    {
        connection.ConnectionFailed += (_, e) => Add($"failed {e.EndPoint} {e.ConnectionType} {e.FailureType}");
        connection.ConnectionRestored += (_, e) => Add($"restored {e.EndPoint} {e.ConnectionType}");
        connection.ConfigurationChanged += (_, e) => Add($"configuration changed {e.EndPoint}");
    }

    public string Describe() => "Client events:\n" + string.Join('\n', _events);

    private void Add(string what) => _events.Enqueue(string.Create(CultureInfo.InvariantCulture, $"{Stopwatch.GetElapsedTime(_started).TotalMilliseconds,8:F0} ms {what}"));
}
