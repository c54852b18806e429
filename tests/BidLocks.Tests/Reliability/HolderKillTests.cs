using System.Diagnostics;
using System.Globalization;
using BidLocks.Tests.Garnet;
using BidLocks.Tests.Redis;
using BidLocks.Tests.Sqlite;
using Microsoft.Data.Sqlite;
using StackExchange.Redis;

namespace BidLocks.Tests.Reliability;

/// <summary>
/// A holder process SIGKILLed while it holds a lock, on each backend (the Redis one on Redis and on Garnet): the next
/// holder gets the lock within TTL + 10 % of the kill, and no other posting is blocked meanwhile. The wait is measured
/// against the kill and against the expiry the dead holder left in the backend (read from PTTL or the SQLite row).
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class HolderKillTests(SharedRedisServer redis, ITestOutputHelper output) : IDisposable
{
    private const int TtlMs = 2000;
    private readonly TempDatabase _database = new();
    private readonly string _marketplace = "mkt-" + Guid.NewGuid().ToString("N");

    [Theory(Timeout = 120_000)]
    [InlineData("redis")]
    [InlineData("garnet")]
    [InlineData("sqlite")]
    public async Task The_next_holder_gets_a_SIGKILLed_holders_lock_within_its_TTL_and_nothing_else_blocks(string backend)
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var garnet = backend == "garnet" ? await GarnetServerProcess.StartAsync() : null;
        var server = backend switch
        {
            "redis" => (redis.Url, redis.Server.Port),
            "garnet" => (garnet!.Url, garnet.Port),
            _ => default((string Url, int Port)?),
        };
        string[] where = server is { } named ? ["--redis-url", named.Url] : ["--db", _database.Path];
        await using var survivor = server is { } target
            ? (IBidLockManager)await RedisBidLockManager.ConnectAsync(new BidLockOptions { RedisUrl = target.Url, GarnetLuaTransactionMode = true }, cancel)
            : await SqliteBidLockManager.OpenAsync(_database.Path, cancellationToken: cancel);
        await using var holder = TestHostProcess.Start(["hold", .. where, "--marketplace", _marketplace, "--posting", "crashed", "--ttl-ms", TtlMs.ToString(CultureInfo.InvariantCulture)]);
        var held = (await holder.ReadLineAsync()).Split(' ');
        Assert.Equal("held", held[0]);
        Assert.Null(await survivor.TryAcquireAsync(_marketplace, "crashed", TimeSpan.Zero, cancel));

        await holder.KillAsync();
        var killedAt = Stopwatch.GetTimestamp();
        var leftExpiry = await StoredExpiryAsync(server?.Port, cancel);
        var otherPosting = Stopwatch.StartNew();
        await using (var other = await survivor.AcquireAsync(_marketplace, "neighbour", TimeSpan.Zero, cancel))
        {
            otherPosting.Stop();
        }

        await using var next = await survivor.AcquireAsync(_marketplace, "crashed", TimeSpan.FromSeconds(30), cancel);
        var waited = Stopwatch.GetElapsedTime(killedAt);
        var afterExpiry = DateTimeOffset.UtcNow - leftExpiry;

        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{backend}: TTL {TtlMs} ms; the next holder got the lock {waited.TotalMilliseconds:F0} ms after the SIGKILL "
                + $"({afterExpiry.TotalMilliseconds:F0} ms after the expiry the dead holder left); another posting took {otherPosting.Elapsed.TotalMilliseconds:F1} ms meanwhile."));
        Assert.True(next.FencingToken > long.Parse(held[1], CultureInfo.InvariantCulture));
        // TTL + 10 % is the promise; the extra seconds are for a loaded machine only (the figure above is the measure).
        // A holder whose lock did not expire would block for the 300 s hold cap.
        Assert.True(waited < TimeSpan.FromMilliseconds(TtlMs * 1.1) + TimeSpan.FromSeconds(3), $"waited {waited}");
    }

    public void Dispose() => _database.Dispose();

    /// <summary>When the backend will expire the dead holder's lock, as it stands right after the kill.</summary>
    /// <param name="redisPort">The Redis or Garnet server's port; null for SQLite.</param>
    private async Task<DateTimeOffset> StoredExpiryAsync(int? redisPort, CancellationToken cancel)
    {
        var key = RedisTestConnections.LockKey(_marketplace, "crashed");
        if (redisPort is { } port)
        {
            using var raw = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{port}");
            var left = await raw.GetDatabase().KeyTimeToLiveAsync(key);
            return DateTimeOffset.UtcNow + (left ?? throw new InvalidOperationException("The dead holder's lock has no TTL."));
        }

        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _database.Path, Mode = SqliteOpenMode.ReadOnly }.ToString());
        await connection.OpenAsync(cancel);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT expires_at FROM bidlock_holds WHERE key = $key";
        command.Parameters.AddWithValue("$key", key);
        return DateTimeOffset.FromUnixTimeMilliseconds((long)(await command.ExecuteScalarAsync(cancel))!);
    }
}
