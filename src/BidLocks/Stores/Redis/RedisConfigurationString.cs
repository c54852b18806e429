using System.Net;
using StackExchange.Redis;

namespace BidLocks;

/// <summary>
/// Reads a StackExchange.Redis configuration string (<c>cache:6379,password=…,ssl=true,defaultDatabase=0</c>, or
/// Sentinels with <c>serviceName=</c>), the form .NET applications keep under <c>ConnectionStrings:&lt;name&gt;</c>.
/// BidLocks takes where the server is and how to log in from it; its own timeouts and retry policy still apply, since
/// the lock depends on them.
/// </summary>
internal static class RedisConfigurationString
{
    private const int DefaultTlsPort = 6380;

    /// <summary>
    /// No scheme, no blank, and a port or an option: a bare word is refused rather than taken for a host name, because a
    /// password pasted into the wrong variable would then be printed as one.
    /// </summary>
    public static bool LooksLikeOne(string text)
    {
        var trimmed = text.Trim();
        return !trimmed.Contains("://", StringComparison.Ordinal)
            && !trimmed.Any(char.IsWhiteSpace)
            && trimmed.AsSpan().IndexOfAny(',', ':') >= 0;
    }

    /// <exception cref="FormatException">The string is not one; the message never repeats it (it may hold a password).</exception>
    /// <param name="text">The configuration string.</param>
    /// <param name="source">The setting it came from, for messages.</param>
    /// <param name="fromMultiplexer">True for the configuration of a multiplexer that already connects: no shape check.</param>
    public static RedisConnectionSettings Parse(string text, string source, bool fromMultiplexer = false)
    {
        if (!fromMultiplexer && !LooksLikeOne(text))
        {
            throw Malformed(source, "it is neither a URL nor host:port with options");
        }

        ConfigurationOptions parsed;
        try
        {
            parsed = ConfigurationOptions.Parse(text);
        }
        catch (ArgumentException exception)
        {
            // The client's message names the keyword at fault; it is kept only when it cannot be the password.
            var detail = exception.Message.Contains("password", StringComparison.OrdinalIgnoreCase) ? "a keyword is malformed" : exception.Message;
            throw Malformed(source, detail);
        }

        var endpoints = parsed.EndPoints.Select(ToHostAndPort).ToList();
        if (endpoints.Count == 0)
        {
            throw Malformed(source, "it names no server");
        }

        var database = parsed.DefaultDatabase ?? 0;
        if (parsed.ServiceName is { Length: > 0 } service)
        {
            var sentinels = endpoints.Select(endpoint => endpoint.Port == 0 ? endpoint with { Port = RedisSentinelUrl.DefaultSentinelPort } : endpoint).ToList();
            return RedisConnectionSettings.ForSentinels(sentinels, service, database, parsed.User, parsed.Password, parsed.Ssl, source);
        }

        // Several servers would be a cluster or a replica set the client chooses among; the lock must know its one primary.
        if (endpoints.Count > 1)
        {
            throw Malformed(source, $"it names {endpoints.Count} servers; name the one primary, or Sentinels with serviceName=");
        }

        var server = endpoints[0];
        var port = server.Port != 0 ? server.Port : parsed.Ssl ? DefaultTlsPort : RedisConnectionSettings.DefaultPort;
        return new RedisConnectionSettings(server.Host, port, database, parsed.User, parsed.Password, parsed.Ssl, source);
    }

    private static RedisHostAndPort ToHostAndPort(EndPoint endpoint) => endpoint switch
    {
        DnsEndPoint dns => new RedisHostAndPort(dns.Host, dns.Port),
        IPEndPoint ip => new RedisHostAndPort(ip.Address.ToString(), ip.Port),
        _ => new RedisHostAndPort(endpoint.ToString() ?? "?", 0),
    };

    private static FormatException Malformed(string source, string reason)
        => new($"{source} must be a redis:// URL or a StackExchange.Redis configuration string such as host:6379,password=…,ssl=true ({reason}; the value is not shown because it may hold a password).");
}
