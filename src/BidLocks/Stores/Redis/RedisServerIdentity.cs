using StackExchange.Redis;

namespace BidLocks;

/// <summary>
/// Which server answers, read from <c>INFO server</c>: Redis, or a server that speaks its protocol and says what it
/// is. Garnet reports the Redis version it imitates (<c>redis_version:7.4.3</c>) beside its own
/// (<c>garnet_version</c>), so the version alone would name the wrong server.
/// </summary>
internal sealed record RedisServerIdentity(string Product, Version? Version)
{
    /// <summary>The oldest Redis whose commands the scripts use (<c>SET … KEEPTTL</c> arrived in 6.0).</summary>
    public static readonly Version MinimumRedis = new(6, 0, 0);

    /// <summary>The oldest Garnet the lock is tested on.</summary>
    public static readonly Version MinimumGarnet = new(2, 2, 0);

    public bool IsGarnet => Product == "Garnet";

    public override string ToString() => $"{Product} {Version?.ToString() ?? "(version unknown)"}";

    /// <summary>
    /// Reads <c>INFO server</c> through a script: StackExchange.Redis sends INFO itself only to a connection opened in
    /// admin mode, which the lock has no other use for. Where the script cannot run (no Lua, a user without the INFO
    /// rule), the version the client read when it connected is all there is.
    /// </summary>
    public static async Task<RedisServerIdentity> ReadAsync(IConnectionMultiplexer connection, int database)
    {
        string info;
        try
        {
            info = (string?)await connection.GetDatabase(database).ScriptEvaluateAsync("return redis.call('INFO', 'server')").ConfigureAwait(false) ?? string.Empty;
        }
        catch (RedisServerException)
        {
            // The client's own guess is no better: without INFO it assumes an old default version.
            return new RedisServerIdentity("Redis", null);
        }

        var fields = info.Split('\n')
            .Select(line => line.TrimEnd('\r').Split(':', 2))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.OrdinalIgnoreCase);
        return fields.TryGetValue("garnet_version", out var garnet)
            ? new RedisServerIdentity("Garnet", ParseVersion(garnet))
            : new RedisServerIdentity("Redis", fields.TryGetValue("redis_version", out var redis) ? ParseVersion(redis) : null);
    }

    /// <summary>Why the scripts cannot run on this server; null when they can, or when its version cannot be read.</summary>
    public string? Refusal()
    {
        var minimum = IsGarnet ? MinimumGarnet : MinimumRedis;
        return Version is not null && Version < minimum
            ? $"{this} is too old for BidLocks, which needs {Product} {minimum.ToString(2)} or newer."
            : null;
    }

    private static Version ParseVersion(string text)
    {
        // "7.0.15", or "2.2.8-preview" and the like: the numeric part is what is compared.
        var numeric = new string(text.TakeWhile(c => char.IsDigit(c) || c == '.').ToArray());
        return Version.TryParse(numeric, out var version) ? version : new Version(0, 0);
    }
}
