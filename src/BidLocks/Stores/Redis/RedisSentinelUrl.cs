using System.Globalization;

namespace BidLocks;

/// <summary>
/// Reads a Sentinel URL, <c>redis+sentinel://[user:password@]host[:port][,host[:port]…]/service[/db]</c> (or
/// <c>rediss+sentinel://</c> for TLS), the form the Redis client libraries of other ecosystems share (Python's
/// <c>redis+sentinel://</c> URLs; Lettuce's <c>redis-sentinel://</c> is the same list of sentinels and a service).
/// The hosts are the Sentinels (port 26379 unless given), the service is the name they monitor the primary under
/// (StackExchange.Redis's <c>serviceName=</c>), and the login is used for the Sentinels and the data nodes alike.
/// </summary>
/// <remarks>
/// Parsed by hand: <see cref="Uri"/> does not accept a comma-separated host list. Like <see cref="RedisConnectionSettings.ParseUrl"/>,
/// no error message repeats the URL, since it may hold a password.
/// </remarks>
internal static class RedisSentinelUrl
{
    public const int DefaultSentinelPort = 26379;
    private const string Plain = "redis+sentinel";
    private const string Tls = "rediss+sentinel";

    /// <summary>True when <paramref name="url"/> uses one of the Sentinel schemes.</summary>
    public static bool IsSentinel(string url)
    {
        var trimmed = url.TrimStart();
        return trimmed.StartsWith(Plain + "://", StringComparison.OrdinalIgnoreCase) || trimmed.StartsWith(Tls + "://", StringComparison.OrdinalIgnoreCase);
    }

    /// <exception cref="FormatException">The URL is malformed; the message never repeats it.</exception>
    public static RedisConnectionSettings Parse(string url, string source)
    {
        var text = url.Trim();
        var schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
        var useTls = string.Equals(text[..schemeEnd], Tls, StringComparison.OrdinalIgnoreCase);
        var rest = text[(schemeEnd + 3)..];
        if (rest.AsSpan().IndexOfAny('?', '#') >= 0)
        {
            throw Malformed(source, "query strings and fragments are not supported");
        }

        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var authority = slash < 0 ? rest : rest[..slash];
        var path = slash < 0 ? string.Empty : rest[(slash + 1)..];

        string? user = null;
        string? password = null;
        var at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            var userInfo = authority[..at];
            authority = authority[(at + 1)..];
            var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            user = Unescape(colon < 0 ? userInfo : userInfo[..colon], source);
            password = colon < 0 ? null : Unescape(userInfo[(colon + 1)..], source);
        }

        var sentinels = authority.Split(',').Select(part => Endpoint(part.Trim(), source)).ToArray();
        var (service, database) = ServiceAndDatabase(path, source);
        return RedisConnectionSettings.ForSentinels(sentinels, service, database, user, password, useTls, source);
    }

    private static RedisHostAndPort Endpoint(string text, string source)
    {
        if (text.Length == 0)
        {
            throw Malformed(source, "a Sentinel host is empty");
        }

        string host;
        string? port = null;
        if (text.StartsWith('['))
        {
            // [IPv6]:port
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw Malformed(source, "an IPv6 Sentinel address has no closing ']'");
            }

            host = text[1..close];
            if (close + 1 < text.Length)
            {
                port = text[(close + 1)..].StartsWith(':') ? text[(close + 2)..] : throw Malformed(source, "text follows an IPv6 Sentinel address");
            }
        }
        else
        {
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            host = colon < 0 ? text : text[..colon];
            port = colon < 0 ? null : text[(colon + 1)..];
        }

        if (host.Length == 0)
        {
            throw Malformed(source, "a Sentinel host is empty");
        }

        if (port is null)
        {
            return new RedisHostAndPort(host, DefaultSentinelPort);
        }

        return int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number is >= 1 and <= 65535
            ? new RedisHostAndPort(host, number)
            : throw Malformed(source, "a Sentinel port must be a number from 1 to 65535");
    }

    private static (string Service, int Database) ServiceAndDatabase(string path, string source)
    {
        var segments = path.TrimEnd('/').Split('/');
        var service = Unescape(segments[0], source);
        if (string.IsNullOrWhiteSpace(service))
        {
            throw Malformed(source, "the path must name the service the Sentinels monitor, such as /mymaster");
        }

        return segments.Length switch
        {
            1 => (service, 0),
            2 when int.TryParse(segments[1], NumberStyles.None, CultureInfo.InvariantCulture, out var database) => (service, database),
            _ => throw Malformed(source, "after the service name the path may hold only a database number, such as /mymaster/0"),
        };
    }

    private static string Unescape(string text, string source)
    {
        try
        {
            return Uri.UnescapeDataString(text);
        }
        catch (UriFormatException)
        {
            throw Malformed(source, "it holds a malformed percent escape");
        }
    }

    private static FormatException Malformed(string source, string reason)
        => new($"{source} must look like redis+sentinel://[user:password@]host[:port][,host[:port]…]/service[/db] or rediss+sentinel://… ({reason}; the value is not shown because it may hold a password).");
}

/// <summary>A host and port as people write them: <c>host:port</c>, or <c>[::1]:port</c> for IPv6.</summary>
internal readonly record struct RedisHostAndPort(string Host, int Port)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{(Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host)}:{Port}");
}
