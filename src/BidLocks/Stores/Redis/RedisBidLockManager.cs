using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace BidLocks;

/// <summary>
/// A lock in Redis, shared by every process that uses the same server: the backend for services that run on many
/// hosts. Waiters across processes are served in arrival order and woken by release notifications; fencing tokens
/// never go back, even after Redis restarts without persistence. While Redis is unreachable, acquires fail with
/// <see cref="BidLockUnavailableException"/> (never a weaker lock) and work again once it returns.
/// </summary>
public sealed class RedisBidLockManager : BidLockManagerBase
{
    private readonly RedisLockStore _store;

    /// <summary>
    /// Creates a manager on a multiplexer the caller owns (and disposes). Use a multiplexer configured with
    /// <c>AbortOnConnectFail = false</c> so that it reconnects by itself, and without a <c>ChannelPrefix</c>.
    /// </summary>
    /// <remarks>
    /// With <see cref="BidLockOptions.MinReplicas"/> above 0, give the multiplexer a command timeout
    /// (<c>AsyncTimeout</c>) longer than <see cref="BidLockOptions.MinReplicasTimeout"/>.
    /// </remarks>
    public RedisBidLockManager(IConnectionMultiplexer connection, BidLockOptions? options = null)
        : this(
            new RedisLockStore(connection, options ??= new BidLockOptions(), ownsConnection: false),
            options,
            RedisReplicationSettings.Resolve(options, Environment.GetEnvironmentVariable))
    {
    }

    private RedisBidLockManager(RedisLockStore store, BidLockOptions options, RedisReplicationSettings replication)
        : base(ReplicatedRedisLockStore.Over(store, replication, options), options)
    {
        _store = store;
        MinReplicas = replication.MinReplicas;
    }

    /// <summary>
    /// How many replicas acknowledge each grant and renewal before it counts (<see cref="BidLockOptions.MinReplicas"/>,
    /// or <c>BIDLOCKS_REDIS_MIN_REPLICAS</c>); 0 when none is waited for.
    /// </summary>
    public int MinReplicas { get; }

    /// <summary>The multiplexer this manager talks through.</summary>
    public IConnectionMultiplexer Connection => _store.Connection;

    /// <summary>
    /// The database the lock steps go to: <see cref="Connection"/>'s, or with Sentinel, after a fail-over, that of the
    /// connection to the primary the Sentinels named (<see cref="RedisNamedPrimaryConnection"/>).
    /// </summary>
    internal IDatabase LockDatabase => _store.Database;

    /// <summary>
    /// Connects to the Redis server that <paramref name="options"/> names (<see cref="BidLockOptions.RedisUrl"/>,
    /// <see cref="BidLockOptions.RedisHost"/> …) or, where they name none, the environment (<c>REDIS_URL</c>,
    /// <c>REDIS_HOST</c>/<c>REDIS_PORT</c>/<c>REDIS_DB</c>/<c>REDIS_PASSWORD</c>). The manager owns the connection. A
    /// <c>redis+sentinel://</c> URL names Sentinels instead: the manager connects to the primary they name and follows
    /// their fail-overs to the next one without a restart (calls during the switch fail closed).
    /// </summary>
    /// <exception cref="InvalidOperationException">Neither the options nor the environment name a Redis server.</exception>
    /// <exception cref="FormatException">A Redis setting is malformed (the message never shows the password).</exception>
    /// <exception cref="BidLockUnavailableException">
    /// Redis could not be reached or refused the login, or <see cref="BidLockOptions.MinReplicas"/> is above 0 and the
    /// server refuses <c>WAIT</c>.
    /// </exception>
    public static Task<RedisBidLockManager> ConnectAsync(BidLockOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new BidLockOptions();
        options.Validate();
        var settings = BidLockSettingsResolver.ForRedis(options, Environment.GetEnvironmentVariable)
            ?? throw new InvalidOperationException("No Redis server is configured: set BidLockOptions.RedisUrl or RedisHost, or the REDIS_URL or REDIS_HOST environment variable.");
        return ConnectAsync(settings, options, cancellationToken);
    }

    /// <summary>Connects with settings the resolver already decided; reads no environment variable.</summary>
    internal static async Task<RedisBidLockManager> ConnectAsync(RedisStartSettings start, BidLockOptions options, CancellationToken cancellationToken)
    {
        var (settings, replication, garnetConfirmed) = start;
        var owned = settings.ExistingConnection is null;
        var connection = settings.ExistingConnection ?? await RedisConnector.ConnectAsync(settings, cancellationToken).ConfigureAwait(false);
        RedisServerIdentity server;
        try
        {
            server = await VerifyServerAsync(connection, settings, replication, garnetConfirmed, owned, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // A multiplexer the application lent us stays open: it is the application's to close.
            if (owned)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }

        var store = new RedisLockStore(connection, options, ownsConnection: owned, settings.Database);
        store.KnowServer(server);
        if (owned && settings.SentinelService is not null)
        {
            await store.FollowSentinelsAsync(settings).ConfigureAwait(false);
        }

        var manager = new RedisBidLockManager(store, options, replication);
        RedisLog.Connected(manager.Logger, settings.ToString(), server.ToString());
        if (replication.MinReplicas > 0)
        {
            RedisLog.WaitsForReplicas(manager.Logger, replication.MinReplicas, replication.Source, replication.TimeoutMilliseconds);
        }

        return manager;
    }

    private static async Task<RedisServerIdentity> VerifyServerAsync(
        IConnectionMultiplexer connection, RedisConnectionSettings settings, RedisReplicationSettings replication, bool garnetConfirmed, bool owned, CancellationToken cancellationToken)
    {
        var verify = VerifyAsync();
        if (owned)
        {
            return await verify.ConfigureAwait(false);
        }

        // A lent multiplexer may still be connecting (Aspire's does so in the background): the same bound as our own
        // connect, and the same verdict when it passes.
        try
        {
            return await verify.WaitAsync(settings.ConnectTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is TimeoutException or RedisException)
        {
            throw RedisConnector.Failure(settings, exception);
        }

        async Task<RedisServerIdentity> VerifyAsync()
        {
            var identity = await RedisServerCheck.VerifyAsync(connection, settings.Database, settings.ToString(), garnetConfirmed).ConfigureAwait(false);
            if (replication.MinReplicas > 0)
            {
                await RedisReplicaWait.VerifyAsync(connection, settings.Database, settings.ToString(), replication).ConfigureAwait(false);
            }

            return identity;
        }
    }
}
