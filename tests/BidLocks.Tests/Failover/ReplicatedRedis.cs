using System.Globalization;
using BidLocks.Tests.Redis;
using BidLocks.Tests.Sqlite;
using StackExchange.Redis;

namespace BidLocks.Tests.Failover;

/// <summary>
/// A Redis primary with replicas: real <c>redis-server</c> processes on free 127.0.0.1 ports, in a folder of their own
/// (a replica writes the primary's snapshot there), each stopped by its own pid. Each replica logs in to the primary as
/// an ACL user of its own, so that a test can cut one off deterministically: the user is disabled and its connection
/// dropped, the replica retries and is refused, and it misses every later write, as a replica behind a slow or broken
/// link does when its primary dies. Waits are on the servers' own log lines, never on a timer.
/// </summary>
public sealed class ReplicatedRedis : IAsyncDisposable
{
    private const string ReplicationPassword = "replication-pw";
    private readonly TempDatabase _folder;
    private readonly List<RedisServerProcess> _replicas = [];

    private ReplicatedRedis(TempDatabase folder, RedisServerProcess primary)
    {
        _folder = folder;
        Primary = primary;
    }

    /// <summary>The server that was primary at start (after a fail-over, possibly dead or a replica).</summary>
    public RedisServerProcess Primary { get; }

    public IReadOnlyList<RedisServerProcess> Replicas => _replicas;

    /// <summary>Starts the primary, then each replica, and returns once every replica has synchronised.</summary>
    /// <param name="replicas">How many replicas.</param>
    /// <param name="password">The default user's password on every server (the replicas use their own users).</param>
    public static async Task<ReplicatedRedis> StartAsync(int replicas, string? password = null)
    {
        var folder = new TempDatabase();
        // Every server knows every replica's user, since any of them may be promoted and serve the others. No delay
        // before the first full copy (Redis waits 5 s by default for more replicas to share it).
        var common = Enumerable.Range(0, replicas)
            .SelectMany(index => new[] { "--user", UserOf(index), "on", ">" + ReplicationPassword, "+psync", "+replconf", "+ping" })
            .Concat(["--repl-diskless-sync-delay", "0"])
            .ToArray();
        var primary = await RedisServerProcess.StartAsync(password, _ => common, folder.Folder);
        var redis = new ReplicatedRedis(folder, primary);
        try
        {
            for (var index = 0; index < replicas; index++)
            {
                var user = UserOf(index);
                var replica = await RedisServerProcess.StartAsync(
                    password,
                    _ => [.. common, "--replicaof", "127.0.0.1", primary.Port.ToString(CultureInfo.InvariantCulture), "--masteruser", user, "--masterauth", ReplicationPassword],
                    folder.Folder);
                redis._replicas.Add(replica);
                await WaitForSyncAsync(replica, 1);
            }

            await WaitForAcknowledgementsAsync(primary, replicas);
        }
        catch
        {
            await redis.DisposeAsync();
            throw;
        }

        return redis;
    }

    /// <summary>
    /// Returns once every replica acknowledges writes: a replica that has just synced may take a while (on a loaded
    /// machine, longer than a lock's WAIT bound) before its first acknowledgement, which is not what any test is about.
    /// The server's own WAIT blocks until then, up to 30 s.
    /// </summary>
    private static async Task WaitForAcknowledgementsAsync(RedisServerProcess primary, int replicas)
    {
        using var raw = await RedisTestConnections.RawAsync(primary);
        var server = raw.GetServer("127.0.0.1", primary.Port);
        await raw.GetDatabase().StringSetAsync("replication-ready", "1");
        var acknowledged = (long)await server.ExecuteAsync("WAIT", replicas, 30_000);
        if (acknowledged < replicas)
        {
            throw new InvalidOperationException($"Only {acknowledged} of {replicas} replica(s) acknowledged a write within 30 s of syncing.");
        }

        await raw.GetDatabase().KeyDeleteAsync("replication-ready");
    }

    /// <summary>
    /// Cuts <paramref name="replica"/> off the primary: from the replica's "Connection with master lost" line on, it
    /// receives no write, and its reconnects are refused until <see cref="ReconnectAsync"/>.
    /// </summary>
    public async Task CutOffAsync(RedisServerProcess replica)
    {
        var user = UserOf(_replicas.IndexOf(replica));
        var lost = CountLines(replica, "Connection with master lost");
        using var raw = await RedisTestConnections.RawAsync(Primary);
        var server = raw.GetServer("127.0.0.1", Primary.Port);
        await server.ExecuteAsync("ACL", "SETUSER", user, "off");
        await server.ExecuteAsync("CLIENT", "KILL", "USER", user);
        await replica.WaitForOutputAsync("Connection with master lost", lost + 1);
    }

    /// <summary>Lets a cut-off replica back in; returns once it has caught up with the primary.</summary>
    public async Task ReconnectAsync(RedisServerProcess replica)
    {
        var synced = CountLines(replica, IsSynced);
        using var raw = await RedisTestConnections.RawAsync(Primary);
        await raw.GetServer("127.0.0.1", Primary.Port).ExecuteAsync("ACL", "SETUSER", UserOf(_replicas.IndexOf(replica)), "on");
        await WaitForSyncAsync(replica, synced + 1);
    }

    /// <summary>Promotes <paramref name="replica"/> by hand (<c>REPLICAOF NO ONE</c>), as an operator or Sentinel would.</summary>
    public static async Task PromoteAsync(RedisServerProcess replica)
    {
        using var raw = await RedisTestConnections.RawAsync(replica);
        await raw.GetServer("127.0.0.1", replica.Port).ExecuteAsync("REPLICAOF", "NO", "ONE");
        await replica.WaitForOutputAsync("MASTER MODE enabled");
    }

    /// <summary>The raw value of a key on one server, bypassing the lock.</summary>
    public static async Task<(RedisValue Value, TimeSpan? TimeToLive)> ReadKeyAsync(RedisServerProcess server, string key)
    {
        using var raw = await RedisTestConnections.RawAsync(server);
        var database = raw.GetDatabase();
        return (await database.StringGetAsync(key), await database.KeyTimeToLiveAsync(key));
    }

    /// <summary>What the servers logged, for the test's output.</summary>
    public string Events() => string.Join('\n', new[] { Primary }.Concat(_replicas).SelectMany(server => server.OutputLines
        .Select(line => string.Create(CultureInfo.InvariantCulture, $"redis {server.Port}: {line.TrimEnd('\r')}"))));

    public async ValueTask DisposeAsync()
    {
        foreach (var replica in _replicas)
        {
            await replica.DisposeAsync();
        }

        await Primary.DisposeAsync();
        _folder.Dispose();
    }

    private static string UserOf(int replica) => replica >= 0
        ? "replica-" + replica.ToString(CultureInfo.InvariantCulture)
        : throw new ArgumentException("Not a replica of this primary.", nameof(replica));

    // A replica reports a finished full copy, or a partial one after a reconnect.
    private static bool IsSynced(string line)
        => line.Contains("MASTER <-> REPLICA sync: Finished with success", StringComparison.Ordinal)
            || line.Contains("MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization", StringComparison.Ordinal);

    private static Task WaitForSyncAsync(RedisServerProcess replica, int times)
        => replica.WaitForOutputAsync(IsSynced, "a finished synchronisation", times);

    private static int CountLines(RedisServerProcess server, string fragment) => CountLines(server, line => line.Contains(fragment, StringComparison.Ordinal));

    private static int CountLines(RedisServerProcess server, Func<string, bool> matches) => server.OutputLines.Count(matches);
}
