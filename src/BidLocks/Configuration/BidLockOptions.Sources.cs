namespace BidLocks;

// Where Redis comes from besides a URL or a host, and what happens when it cannot be had at start.
public sealed partial class BidLockOptions
{
    /// <summary>The longest <see cref="DefaultTimeout"/>: a bid that waits longer for its posting is a misconfiguration.</summary>
    public static readonly TimeSpan MaxDefaultTimeout = TimeSpan.FromHours(1);

    /// <summary>
    /// The name of a Redis connection the application already has: the container's <c>IConnectionMultiplexer</c>
    /// registered under this key (Aspire's <c>AddKeyedRedisClient(name)</c>), else the container's unkeyed one
    /// (Aspire's <c>AddRedisClient(name)</c>), else the StackExchange.Redis configuration string
    /// <c>ConnectionStrings:&lt;name&gt;</c>. A container's multiplexer is used as it is and never disposed by BidLocks.
    /// <see cref="RedisUrl"/> and <see cref="RedisHost"/> win over it; it wins over <c>REDIS_URL</c> and
    /// <c>REDIS_HOST</c>. Only <c>AddBidLocks</c> has a container and a configuration to look in.
    /// </summary>
    public string? RedisConnectionName { get; set; }

    /// <summary>
    /// True lets a named Redis that does not answer at start fall back to SQLite (at <see cref="SqlitePath"/>, which
    /// outside Development must be set): logged as a warning with the reason, and health then reports Degraded for as
    /// long as the process runs. Off by default, because locks on SQLite hold on one host only, and two hosts that both
    /// fell back would both bid. Never covers a wrong password, an unknown host, an untrusted certificate or a server
    /// BidLocks refuses, nor <see cref="UseRedis"/> = true. Unset, <c>BIDLOCKS_ALLOW_SQLITE_FALLBACK</c> applies.
    /// </summary>
    public bool? AllowSqliteFallback { get; set; }

    private void ValidateSources()
    {
        if (DefaultTimeout > MaxDefaultTimeout)
        {
            throw new ArgumentOutOfRangeException(
                nameof(DefaultTimeout),
                DefaultTimeout,
                "DefaultTimeout must be at most one hour: it is how long a bid waits for its posting, and a caller waiting longer has long given up. "
                    + "(In configuration a bare number counts days: write 00:00:10 for ten seconds.)");
        }

        if (RedisConnectionName is not null && string.IsNullOrWhiteSpace(RedisConnectionName))
        {
            throw new ArgumentException("RedisConnectionName must name a connection, or be unset.", nameof(RedisConnectionName));
        }
    }

    private string DescribeSources()
        => $"RedisConnectionName={RedisConnectionName ?? "(unset)"}, AllowSqliteFallback={AllowSqliteFallback?.ToString() ?? "(unset)"}";
}
