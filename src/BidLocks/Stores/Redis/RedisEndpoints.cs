using System.Globalization;
using System.Net;
using StackExchange.Redis;

namespace BidLocks;

/// <summary>Endpoints as people write them (<c>host:port</c>), for health output and messages.</summary>
internal static class RedisEndpoints
{
    /// <summary>
    /// The primary the client writes to now: with Sentinel the multiplexer knows the replicas too, and the first
    /// endpoint it was given need not be the primary after a fail-over.
    /// </summary>
    public static EndPoint? Primary(IConnectionMultiplexer connection)
        => connection.GetServers().FirstOrDefault(server => server.IsConnected && !server.IsReplica)?.EndPoint
            ?? (connection.GetEndPoints() is [var first, ..] ? first : null);

    public static string Describe(EndPoint? endpoint) => endpoint switch
    {
        null => "(no endpoint)",
        DnsEndPoint dns => string.Create(CultureInfo.InvariantCulture, $"{dns.Host}:{dns.Port}"),
        IPEndPoint ip => ip.ToString(),
        _ => endpoint.ToString() ?? "(unknown endpoint)",
    };
}
