using BidLocks.Tests.Redis;
using BidLocks.Tests.Sqlite;
using Microsoft.Data.Sqlite;
using StackExchange.Redis;

namespace BidLocks.Tests.HostileInput;

/// <summary>
/// A fresh backend of the test's own, so that "nothing was written" can be checked exactly: a Redis server with no
/// other client's keys (its key count and script call count), or a SQLite file the manager opens lazily (which must
/// not even exist after rejected calls).
/// </summary>
public sealed class HostileBackend : IAsyncDisposable
{
    private readonly RedisServerProcess? _redis;
    private readonly ConnectionMultiplexer? _raw;
    private readonly TempDatabase? _sqlite;

    private HostileBackend(string name, IBidLockManager manager, IBidLockManager peer, RedisServerProcess? redis, ConnectionMultiplexer? raw, TempDatabase? sqlite)
    {
        Name = name;
        Manager = manager;
        Peer = peer;
        _redis = redis;
        _raw = raw;
        _sqlite = sqlite;
    }

    public string Name { get; }

    public IBidLockManager Manager { get; }

    /// <summary>A second instance on the same backend.</summary>
    public IBidLockManager Peer { get; }

    public static async Task<HostileBackend> StartAsync(string name)
    {
        if (name == "redis")
        {
            var server = await RedisServerProcess.StartAsync();
            var raw = await RedisTestConnections.RawAsync(server);
            return new HostileBackend(name, await RedisTestConnections.ConnectAsync(server), await RedisTestConnections.ConnectAsync(server), server, raw, null);
        }

        var database = new TempDatabase();
        return new HostileBackend(name, new SqliteBidLockManager(database.Path), new SqliteBidLockManager(database.Path), null, null, database);
    }

    /// <summary>Script calls the server has run, and keys it holds; for SQLite, whether the file exists at all.</summary>
    public async Task<string> FootprintAsync()
    {
        if (_raw is not null)
        {
            var server = _raw.GetServer(_raw.GetEndPoints()[0]);
            var stats = (await server.InfoAsync("commandstats")).SelectMany(group => group).ToDictionary(pair => pair.Key, pair => pair.Value);
            return $"keys {await server.DatabaseSizeAsync()}, eval {stats.GetValueOrDefault("cmdstat_eval", "none")}, evalsha {stats.GetValueOrDefault("cmdstat_evalsha", "none")}";
        }

        return File.Exists(_sqlite!.Path) ? $"database file exists ({new FileInfo(_sqlite.Path).Length} bytes)" : "no database file";
    }

    /// <summary>How many locks the backend holds right now.</summary>
    public async Task<long> HeldLocksAsync()
    {
        if (_raw is not null)
        {
            var server = _raw.GetServer(_raw.GetEndPoints()[0]);
            var count = 0L;
            await foreach (var key in server.KeysAsync(pattern: "bidlock:*", pageSize: 1000))
            {
                // A lock key ends with its hash tag; its companions (:fence, :queue, :waiters) come after it.
                if (((string)key!).EndsWith('}'))
                {
                    count++;
                }
            }

            return count;
        }

        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _sqlite!.Path, Mode = SqliteOpenMode.ReadOnly }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM bidlock_holds";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        await Manager.DisposeAsync();
        await Peer.DisposeAsync();
        _raw?.Dispose();
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }

        _sqlite?.Dispose();
    }
}
