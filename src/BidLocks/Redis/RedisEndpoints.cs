using System.Globalization;
using System.Net;

namespace BidLocks;

/// <summary>Endpoints as people write them (<c>host:port</c>), for health output and messages.</summary>
internal static class RedisEndpoints
{
    public static string Describe(EndPoint? endpoint) => endpoint switch
    {
        null => "(no endpoint)",
        DnsEndPoint dns => string.Create(CultureInfo.InvariantCulture, $"{dns.Host}:{dns.Port}"),
        IPEndPoint ip => ip.ToString(),
        _ => endpoint.ToString() ?? "(unknown endpoint)",
    };
}
