using System.Globalization;
using System.Net;
using System.Text;
using StackExchange.Redis;

namespace BidLocks;

/// <summary>
/// Where Redis is and how to log in, read from a <c>redis://</c>/<c>rediss://</c> URL, a Sentinel URL
/// (<c>redis+sentinel://</c>, <see cref="RedisSentinelUrl"/>) or from host, port, database and password settings.
/// The password is kept out of <see cref="ToString"/> and of every error message.
/// </summary>
internal sealed class RedisConnectionSettings
{
    public const int DefaultPort = 6379;
    private const string Redacted = "***";

    public RedisConnectionSettings(string host, int port = DefaultPort, int database = 0, string? user = null, string? password = null, bool useTls = false, string source = "settings")
    {
        if (string.IsNullOrWhiteSpace(host))
        {
            throw new ArgumentException($"{source}: the Redis host is empty.", nameof(host));
        }

        if (port is < 1 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(port), port, $"{source}: the Redis port must be between 1 and 65535.");
        }

        if (database < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(database), database, $"{source}: the Redis database must be zero or more.");
        }

        Host = host;
        Port = port;
        Database = database;
        User = string.IsNullOrEmpty(user) ? null : user;
        Password = string.IsNullOrEmpty(password) ? null : password;
        UseTls = useTls;
        Source = source;
    }

    public string Host { get; }

    public int Port { get; }

    public int Database { get; }

    public string? User { get; }

    public string? Password { get; }

    public bool UseTls { get; }

    /// <summary>Which setting these came from, for messages: <c>REDIS_URL</c>, <c>BidLockOptions.RedisHost</c>, …</summary>
    public string Source { get; }

    /// <summary>
    /// The name the Sentinels monitor the primary under, when the settings name Sentinels rather than a server; then
    /// <see cref="Host"/> and <see cref="Port"/> are the first Sentinel's.
    /// </summary>
    public string? SentinelService { get; private init; }

    /// <summary>The Sentinels to ask for the primary; empty when the settings name a server directly.</summary>
    public IReadOnlyList<RedisHostAndPort> Sentinels { get; private init; } = [];

    // How many times the client tries the first connect (its ConnectRetry) within ConnectTimeout.
    private const int ConnectAttempts = 2;

    /// <summary>How long the first connect may take in all (<see cref="BidLockOptions.RedisConnectTimeout"/>).</summary>
    public TimeSpan ConnectTimeout { get; private set; } = TimeSpan.FromSeconds(5);

    /// <summary>The CA certificates a TLS server's certificate must chain to (<see cref="BidLockOptions.RedisTlsCaPath"/>).</summary>
    public string? TlsCaPath { get; private set; }

    /// <summary>StackExchange.Redis's own command timeout, 5 s.</summary>
    public static readonly TimeSpan DefaultCommandTimeout = TimeSpan.FromSeconds(5);

    /// <summary>How long the client waits for any reply; longer than the default only to let a <c>WAIT</c> finish.</summary>
    public TimeSpan CommandTimeout { get; private set; } = DefaultCommandTimeout;

    /// <summary>
    /// A multiplexer the application already has (the container's): used as it is, never opened or disposed by
    /// BidLocks. The other properties then describe where it points, for messages.
    /// </summary>
    public IConnectionMultiplexer? ExistingConnection { get; private init; }

    /// <summary>
    /// A copy with the connection's timeouts and trust, decided once by the settings resolver: these settings are never
    /// changed after they are handed down.
    /// </summary>
    public RedisConnectionSettings WithTransport(TimeSpan connectTimeout, string? tlsCaPath, TimeSpan commandTimeout)
    {
        var copy = (RedisConnectionSettings)MemberwiseClone();
        copy.ConnectTimeout = connectTimeout;
        copy.TlsCaPath = tlsCaPath;
        copy.CommandTimeout = commandTimeout;
        return copy;
    }

    /// <summary>
    /// The Redis settings in force: each option set in code or configuration wins over its environment variable; a
    /// URL wins over a host. Null when neither names a server.
    /// </summary>
    /// <param name="options">The options.</param>
    /// <param name="environment">Reads an environment variable.</param>
    /// <param name="named">
    /// The connection <see cref="BidLockOptions.RedisConnectionName"/> names, when it names one: after the options'
    /// URL and host, before the environment variables.
    /// </param>
    public static RedisConnectionSettings? Resolve(BidLockOptions options, Func<string, string?> environment, RedisConnectionSettings? named = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        if (!string.IsNullOrWhiteSpace(options.RedisUrl))
        {
            return ParseUrl(options.RedisUrl, options.SourceOf(nameof(BidLockOptions.RedisUrl)));
        }

        if (!string.IsNullOrWhiteSpace(options.RedisHost))
        {
            return FromParts(options.RedisHost, options.RedisPort, options.RedisDb, options.RedisPassword ?? environment("REDIS_PASSWORD"), options.SourceOf(nameof(BidLockOptions.RedisHost)));
        }

        if (named is not null)
        {
            return named;
        }

        if (environment("REDIS_URL") is { } url && !string.IsNullOrWhiteSpace(url))
        {
            return ParseUrl(url, "REDIS_URL");
        }

        if (environment("REDIS_HOST") is { } host && !string.IsNullOrWhiteSpace(host))
        {
            var port = options.RedisPort ?? ParseNumber(environment("REDIS_PORT"), "REDIS_PORT");
            var database = options.RedisDb ?? ParseNumber(environment("REDIS_DB"), "REDIS_DB");
            return FromParts(host, port, database, options.RedisPassword ?? environment("REDIS_PASSWORD"), "REDIS_HOST");
        }

        return null;
    }

    /// <summary>
    /// Reads <c>redis://[user:password@]host[:port][/db]</c>, <c>rediss://…</c> (TLS), or a Sentinel URL,
    /// <c>redis+sentinel://[user:password@]host[:port][,host[:port]…]/service[/db]</c> (<c>rediss+sentinel://</c> for TLS).
    /// </summary>
    /// <exception cref="FormatException">The URL is malformed; the message never repeats it (it may hold a password).</exception>
    /// <remarks>Also reads a StackExchange.Redis configuration string (<see cref="RedisConfigurationString"/>).</remarks>
    public static RedisConnectionSettings ParseUrl(string url, string source = "REDIS_URL")
    {
        ArgumentNullException.ThrowIfNull(url);
        if (RedisSentinelUrl.IsSentinel(url))
        {
            return RedisSentinelUrl.Parse(url, source);
        }

        // .NET applications keep Redis as a StackExchange.Redis configuration string (cache:6379,password=…): no scheme.
        if (RedisConfigurationString.LooksLikeOne(url))
        {
            return RedisConfigurationString.Parse(url, source);
        }
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri))
        {
            throw Malformed(source, "it is not an absolute URL");
        }

        var tls = uri.Scheme switch
        {
            "redis" => false,
            "rediss" => true,
            _ => throw Malformed(source, $"the scheme is '{uri.Scheme}', not redis, rediss or redis+sentinel"),
        };

        if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            throw Malformed(source, "query strings and fragments are not supported");
        }

        var host = uri.HostNameType == UriHostNameType.IPv6 ? uri.Host.Trim('[', ']') : uri.Host;
        if (string.IsNullOrEmpty(host))
        {
            throw Malformed(source, "it names no host");
        }

        var path = uri.AbsolutePath.Trim('/');
        var database = 0;
        if (path.Length > 0 && !int.TryParse(path, NumberStyles.None, CultureInfo.InvariantCulture, out database))
        {
            throw Malformed(source, "the path must be a database number, such as /0");
        }

        string? user = null;
        string? password = null;
        if (uri.UserInfo.Length > 0)
        {
            // user:password, either part optional; both percent-encoded so that ':' and '@' can appear in them.
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            user = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            password = colon < 0 ? null : Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
        }

        return new RedisConnectionSettings(host, uri.IsDefaultPort || uri.Port < 0 ? DefaultPort : uri.Port, database, user, password, tls, source);
    }

    /// <summary>Settings that describe a multiplexer the application already has (see <see cref="ExistingConnection"/>).</summary>
    internal static RedisConnectionSettings ForExistingConnection(IConnectionMultiplexer connection, string source)
    {
        var described = RedisConfigurationString.Parse(connection.Configuration, source, fromMultiplexer: true);
        return new(described.Host, described.Port, described.Database, described.User, described.Password, described.UseTls, source)
        {
            Sentinels = described.Sentinels,
            SentinelService = described.SentinelService,
            ExistingConnection = connection,
        };
    }

    /// <summary>Settings that find the primary through Sentinels (see <see cref="RedisSentinelUrl"/>).</summary>
    internal static RedisConnectionSettings ForSentinels(IReadOnlyList<RedisHostAndPort> sentinels, string service, int database, string? user, string? password, bool useTls, string source)
        => new(sentinels[0].Host, sentinels[0].Port, database, user, password, useTls, source) { Sentinels = sentinels, SentinelService = service };

    /// <summary>The URL with its password replaced by <c>***</c>; for an unreadable URL, a note instead of it.</summary>
    public static string? RedactUrl(string? url)
    {
        if (url is null)
        {
            return null;
        }

        try
        {
            return ParseUrl(url).ToString();
        }
        catch (FormatException)
        {
            return "(an unreadable URL, not shown)";
        }
    }

    /// <summary>Options for StackExchange.Redis: fail fast while disconnected, reconnect by itself.</summary>
    public ConfigurationOptions ToConfigurationOptions()
    {
        var options = new ConfigurationOptions
        {
            User = User,
            Password = Password,
            DefaultDatabase = Database,
            Ssl = UseTls,
            ClientName = "BidLocks",
            // The first connect must succeed or the manager does not start (the factory then decides what to do).
            // After that the multiplexer reconnects on its own, whatever this says.
            AbortOnConnectFail = true,
            ConnectRetry = ConnectAttempts,
            // The client waits up to ConnectTimeout per attempt: each gets its share, so that a server that does not
            // answer fails the start within RedisConnectTimeout in all (it took twice as long: 10.5 s for 5 s).
            ConnectTimeout = (int)Math.Ceiling(ConnectTimeout.TotalMilliseconds / ConnectAttempts),
            // A lock must fail closed at once while Redis is away rather than queue the acquire for seconds.
            BacklogPolicy = BacklogPolicy.FailFast,
            ReconnectRetryPolicy = new ExponentialRetry(250, 5000),
            AsyncTimeout = (int)Math.Ceiling(CommandTimeout.TotalMilliseconds),
            SyncTimeout = (int)Math.Ceiling(CommandTimeout.TotalMilliseconds),
        };
        if (SentinelService is not null)
        {
            // StackExchange.Redis asks these for the primary of the service, connects to it, and follows the Sentinels'
            // +switch-master announcements (and polls them while the primary is unreachable) to the next one.
            options.ServiceName = SentinelService;
            foreach (var sentinel in Sentinels)
            {
                options.EndPoints.Add(EndPointOf(sentinel.Host, sentinel.Port));
            }
        }
        else
        {
            options.EndPoints.Add(EndPointOf(Host, Port));
        }

        if (UseTls)
        {
            // With Sentinels each server is checked against its own name: there is no one host to pin.
            options.SslHost = SentinelService is null ? Host : null;
            if (TlsCaPath is not null)
            {
                options.CertificateValidation += RedisTlsTrust.Load(TlsCaPath).Validate;
            }
        }

        return options;
    }

    /// <summary>Options for a connection to the Sentinels themselves, to hear their announcements.</summary>
    public ConfigurationOptions ToSentinelOptions()
    {
        var options = ToConfigurationOptions();
        options.ServiceName = null;
        options.CommandMap = CommandMap.Sentinel;
        options.TieBreaker = string.Empty;
        options.DefaultDatabase = null;
        options.ClientName = "BidLocks-sentinel-watch";
        // Started after the manager connected: a Sentinel down now is no reason to fail, the others are asked.
        options.AbortOnConnectFail = false;
        return options;
    }

    /// <summary>Replaces every occurrence of the password in <paramref name="text"/> (an error from the client, say).</summary>
    public string Redact(string text)
        => Password is null || text.Length == 0 ? text : text.Replace(Password, Redacted, StringComparison.Ordinal);

    /// <summary>The URL form, password shown as <c>***</c>.</summary>
    public override string ToString() => Describe(withLogin: true);

    /// <summary>Where the locks live, without the login: two logins to one place lock in one place.</summary>
    public string Location => Describe(withLogin: false);

    private string Describe(bool withLogin)
    {
        var builder = new StringBuilder(UseTls ? "rediss" : "redis").Append(SentinelService is null ? "://" : "+sentinel://");
        if (withLogin && (User is not null || Password is not null))
        {
            builder.Append(User is null ? string.Empty : Uri.EscapeDataString(User));
            builder.Append(Password is null ? string.Empty : ":" + Redacted).Append('@');
        }

        if (SentinelService is not null)
        {
            builder.AppendJoin(',', Sentinels).Append('/').Append(Uri.EscapeDataString(SentinelService));
            return builder.Append(CultureInfo.InvariantCulture, $"/{Database}").ToString();
        }

        builder.Append(new RedisHostAndPort(Host, Port).ToString());
        return builder.Append(CultureInfo.InvariantCulture, $"/{Database}").ToString();
    }

    internal static EndPoint EndPointOf(string host, int port) => IPAddress.TryParse(host, out var address) ? new IPEndPoint(address, port) : new DnsEndPoint(host, port);

    private static RedisConnectionSettings FromParts(string host, int? port, int? database, string? password, string source)
        => new(host.Trim(), port ?? DefaultPort, database ?? 0, user: null, password, useTls: false, source);

    private static int? ParseNumber(string? value, string variable)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        return int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new FormatException($"{variable} must be a whole number; got '{value}'.");
    }

    private static FormatException Malformed(string source, string reason)
        => new($"{source} must look like redis://[user:password@]host[:port][/db], rediss://…, redis+sentinel://host[:port][,host[:port]…]/service[/db] or a StackExchange.Redis configuration string host:port[,password=…] ({reason}; the value is not shown because it may hold a password).");
}
