using System.Globalization;
using Microsoft.Extensions.Logging;

namespace BidLocks;

/// <summary>Settings for a lock manager. Bound from the <c>BidLocks</c> configuration section, or set in code.</summary>
public sealed partial class BidLockOptions
{
    /// <summary>The configuration section the options bind from.</summary>
    public const string SectionName = "BidLocks";

    /// <summary>Prefix of every key; must not contain <c>{</c> or <c>}</c> (they form the Redis Cluster hash tag).</summary>
    public string KeyPrefix { get; set; } = BidLockDefaults.KeyPrefix;

    /// <summary>How long an acquire waits when the caller gives no timeout.</summary>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(BidLockDefaults.TimeoutSeconds);

    /// <summary>Lease time to live when the caller gives none; renewed about every third of it while held.</summary>
    public TimeSpan DefaultTtl { get; set; } = TimeSpan.FromSeconds(BidLockDefaults.TtlSeconds);

    /// <summary>
    /// Hard cap on one hold when the caller gives none, and how long a holder-named lock
    /// (<see cref="IBidLockManager.AcquireLockAsync"/>) is held unless released.
    /// </summary>
    public TimeSpan MaxHold { get; set; } = TimeSpan.FromSeconds(BidLockDefaults.MaxHoldSeconds);

    /// <summary>Names this process in holder ids; default <c>&lt;machine&gt;-&lt;pid&gt;</c>.</summary>
    public string? InstanceId { get; set; }

    /// <summary>Logs backend choice, lost leases and backend errors; default: no logging.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>The clock for expiry and renewal; default <see cref="TimeProvider.System"/>. Tests may replace it.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// True forces Redis (start fails when it is unreachable), false rules it out, null lets the configuration decide.
    /// Unset, the <c>USE_REDIS_LOCKS</c> environment variable applies.
    /// </summary>
    public bool? UseRedis { get; set; }

    /// <summary>
    /// <c>redis://[user:password@]host[:port][/db]</c>, or <c>rediss://</c> for TLS, or a StackExchange.Redis
    /// configuration string (<c>cache:6379,password=…,ssl=true,defaultDatabase=0</c>), or
    /// <c>redis+sentinel://[user:password@]host[:port][,host[:port]…]/service[/db]</c> for a primary that Sentinels
    /// manage (the manager then follows their fail-overs; <c>rediss+sentinel://</c> for TLS). Takes precedence over
    /// <see cref="RedisHost"/>; unset, the <c>REDIS_URL</c> environment variable applies. Never logged with its password.
    /// </summary>
    public string? RedisUrl { get; set; }

    /// <summary>The Redis host when no URL is given; unset, the <c>REDIS_HOST</c> environment variable applies.</summary>
    public string? RedisHost { get; set; }

    /// <summary>The Redis port with <see cref="RedisHost"/> (default 6379, or <c>REDIS_PORT</c>).</summary>
    public int? RedisPort { get; set; }

    /// <summary>The Redis database with <see cref="RedisHost"/> (default 0, or <c>REDIS_DB</c>).</summary>
    public int? RedisDb { get; set; }

    /// <summary>The Redis password with <see cref="RedisHost"/> (or <c>REDIS_PASSWORD</c>). Never logged or shown.</summary>
    public string? RedisPassword { get; set; }

    /// <summary>
    /// For <c>rediss://</c> with a private certificate authority: a PEM file of the CA certificates the server's
    /// certificate must chain to (its host name must still match). Unset, the system's trusted roots decide. Validation
    /// is never switched off.
    /// </summary>
    public string? RedisTlsCaPath { get; set; }

    /// <summary>
    /// Confirms that the server, if it is Microsoft Garnet, runs with <c>--lua --lua-transaction-mode</c>: without
    /// transaction mode Garnet does not run a script as one atomic step and the lock would not exclude, and a client
    /// cannot see the setting. A Garnet is refused at start unless this (or the environment variable
    /// <c>BIDLOCKS_GARNET_LUA_TRANSACTION_MODE=true</c>) says so. Redis ignores it.
    /// </summary>
    public bool? GarnetLuaTransactionMode { get; set; }

    /// <summary>
    /// How long connecting to Redis at start may take before Redis counts as unreachable (default 5 s): start then
    /// fails, or, where <see cref="AllowSqliteFallback"/> opts in, falls back to SQLite.
    /// </summary>
    public TimeSpan RedisConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The SQLite database file that every process of this host shares; unset, the <c>BIDLOCKS_SQLITE_PATH</c>
    /// environment variable applies, then <see cref="SqliteBidLockManager.DefaultDatabasePath"/>. Its folder must exist.
    /// </summary>
    public string? SqlitePath { get; set; }

    /// <summary>
    /// How long a SQLite step waits for another process's write to finish before the call fails with
    /// <see cref="BidLockUnavailableException"/> (default 5 s, at least 1 s). Each lock step writes for microseconds, so
    /// reaching it means some other writer holds the database.
    /// </summary>
    public TimeSpan SqliteBusyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The deployment environment for the backend rules (only <c>Development</c> may use SQLite without saying so);
    /// unset, the host's environment, then the <c>DOTNET_ENVIRONMENT</c> and <c>ASPNETCORE_ENVIRONMENT</c> environment
    /// variables apply.
    /// </summary>
    public string? EnvironmentName { get; set; }

    /// <summary>Checks every setting; throws <see cref="ArgumentException"/> naming the bad one.</summary>
    public void Validate()
    {
        if (string.IsNullOrEmpty(KeyPrefix) || KeyPrefix.Length > 64 || KeyPrefix.AsSpan().IndexOfAny('{', '}') >= 0)
        {
            throw new ArgumentException("KeyPrefix must be 1 to 64 characters without '{' or '}'.", nameof(KeyPrefix));
        }

        RequirePositive(DefaultTimeout, nameof(DefaultTimeout), allowZero: true);
        RequirePositive(DefaultTtl, nameof(DefaultTtl), allowZero: false);
        RequirePositive(MaxHold, nameof(MaxHold), allowZero: false);
        ValidateFenceRetention();
        if (InstanceId is not null)
        {
            IdValidation.RequireHolder(InstanceId, nameof(InstanceId), 128);
        }

        if (TimeProvider is null)
        {
            throw new ArgumentNullException(nameof(TimeProvider));
        }

        if (RedisPort is < 1 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(RedisPort), RedisPort, "RedisPort must be between 1 and 65535.");
        }

        if (RedisDb is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(RedisDb), RedisDb, "RedisDb must be zero or more.");
        }

        if (RedisConnectTimeout <= TimeSpan.Zero || RedisConnectTimeout > TimeSpan.FromMinutes(10))
        {
            throw new ArgumentOutOfRangeException(nameof(RedisConnectTimeout), RedisConnectTimeout, "RedisConnectTimeout must be more than zero and at most ten minutes.");
        }

        if (RedisTlsCaPath is not null && string.IsNullOrWhiteSpace(RedisTlsCaPath))
        {
            throw new ArgumentException("RedisTlsCaPath must be a file path, or unset.", nameof(RedisTlsCaPath));
        }

        if (SqlitePath is not null)
        {
            SqliteDatabasePath.Validate(SqlitePath, nameof(SqlitePath));
        }

        if (SqliteBusyTimeout < TimeSpan.FromSeconds(1) || SqliteBusyTimeout > TimeSpan.FromDays(1))
        {
            throw new ArgumentOutOfRangeException(nameof(SqliteBusyTimeout), SqliteBusyTimeout, "SqliteBusyTimeout must be at least one second and at most one day.");
        }

        ValidateReplication();
        ValidateSources();
        ValidateLogging();
    }

    /// <summary>A copy whose later changes do not reach this instance (the logger factory and clock are shared).</summary>
    internal BidLockOptions Clone() => (BidLockOptions)MemberwiseClone();

    internal static void RequirePositive(TimeSpan value, string name, bool allowZero)
    {
        if (value < TimeSpan.Zero || (!allowZero && value == TimeSpan.Zero) || value > TimeSpan.FromDays(1))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be {(allowZero ? "zero or more" : "more than zero")} and at most one day.");
        }
    }

    /// <summary>The settings, with every Redis password replaced by <c>***</c>.</summary>
    public override string ToString()
        => $"BidLockOptions(KeyPrefix={KeyPrefix}, DefaultTimeout={DefaultTimeout}, DefaultTtl={DefaultTtl}, MaxHold={MaxHold}, FenceRetention={FenceRetention}, InstanceId={InstanceId ?? "(default)"}"
            + $", UseRedis={UseRedis?.ToString() ?? "(unset)"}, RedisUrl={RedisConnectionSettings.RedactUrl(RedisUrl) ?? "(unset)"}, RedisHost={RedisHost ?? "(unset)"}"
            + $", RedisPort={RedisPort?.ToString(CultureInfo.InvariantCulture) ?? "(unset)"}, RedisDb={RedisDb?.ToString(CultureInfo.InvariantCulture) ?? "(unset)"}, RedisPassword={(RedisPassword is null ? "(unset)" : "***")}, RedisTlsCaPath={RedisTlsCaPath ?? "(unset)"}, RedisConnectTimeout={RedisConnectTimeout}, {DescribeReplication()}"
            + $", SqlitePath={SqlitePath ?? "(unset)"}, SqliteBusyTimeout={SqliteBusyTimeout}, EnvironmentName={EnvironmentName ?? "(unset)"}, {DescribeSources()})";
}
