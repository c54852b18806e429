using System.Globalization;
using BidLocks.Tests.Redis;
using BidLocks.Tests.Support;
using StackExchange.Redis;

namespace BidLocks.Tests.Inspection;

/// <summary>
/// Inspection on a Redis server of its own, so that the server's command statistics show exactly what inspection sent:
/// SCAN pages (never KEYS) and reads only; the README's read-only user is enough for it and can change nothing.
/// </summary>
public sealed class RedisInspectionTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Password = "inspect-Pa55";
    private readonly string _marketplace = "mkt-" + Guid.NewGuid().ToString("N");
    private RedisServerProcess _server = null!;
    private ConnectionMultiplexer _admin = null!;

    private IServer Admin => _admin.GetServer(_admin.GetEndPoints()[0]);

    public async ValueTask InitializeAsync()
    {
        _server = await RedisServerProcess.StartAsync();
        _admin = await RedisTestConnections.RawAsync(_server);
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        await _server.DisposeAsync();
    }

    /// <summary>The README's <c>ACL SETUSER bidlocks-inspect …</c> line, as words.</summary>
    public static string[] ReadmeInspectionAclLine() => Security.RedisAclTests.ReadmeAclLine("bidlocks-inspect");

    [Fact]
    public void The_README_read_only_line_is_the_one_the_runtime_names()
        => Assert.Equal(["ACL", "SETUSER", "bidlocks-inspect", "reset", "on", ">password", .. RedisAcl.InspectionRules(BidLockDefaults.KeyPrefix).Split(' ')], ReadmeInspectionAclLine());

    [Fact(Timeout = 120_000)]
    public async Task Listing_pages_through_the_keys_with_SCAN_never_KEYS_and_writes_nothing()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var holder = await RedisTestConnections.ConnectAsync(_server);
        await using var inspector = await RedisTestConnections.ConnectAsync(_server);
        // More locks than one SCAN page, and a long TTL so no renewal runs while the statistics are read.
        const int Held = (2 * RedisLockStore.ScanPageSize) + 203;
        var leases = new List<BidLockLease>();
        for (var i = 0; i < Held; i++)
        {
            leases.Add(await holder.AcquireAsync(_marketplace, "p" + i.ToString("D4", CultureInfo.InvariantCulture), new BidLockAcquireOptions(Ttl: TimeSpan.FromMinutes(2)), cancel));
        }

        await Admin.ExecuteAsync("CONFIG", "RESETSTAT");
        var all = await inspector.ListHeldAsync(_marketplace, 10_000, cancel);
        var top = await inspector.ListHeldAsync(null, 5, cancel);
        var one = await inspector.InspectAsync(_marketplace, "p0007", cancel);
        var stats = await CommandCallsAsync();
        output.WriteLine("commands sent while inspecting: " + string.Join(", ", stats.Select(pair => $"{pair.Key}={pair.Value}")));

        Assert.Equal(Held, all.Count);
        Assert.Equal(leases.Select(lease => lease.HolderId).Order(), all.Select(info => info.HolderId).Order());
        Assert.True(all.Zip(all.Skip(1)).All(pair => pair.First.HeldSince <= pair.Second.HeldSince), "longest-held first");
        Assert.Equal(all.Take(5).Select(info => info.Key), top.Select(info => info.Key));
        Assert.Equal(leases[7].HolderId, one?.HolderId);

        // Two listings of ~1,700 keys (locks and fences) in pages: several SCAN calls each, no KEYS.
        Assert.True(stats.GetValueOrDefault("scan") >= 4, $"scan calls: {stats.GetValueOrDefault("scan")}");
        Assert.DoesNotContain("keys", stats.Keys);
        // Reads only: no script, no write of any kind.
        Assert.All(stats.Keys, command => Assert.Contains(command, new[] { "scan", "get", "pttl", "hvals", "time", "ping", "echo", "info", "config|resetstat", "cluster|nodes", "client|setname", "client|id", "subscribe" }));
    }

    [Fact(Timeout = 60_000)]
    public async Task The_README_read_only_user_inspects_and_lists_and_can_neither_take_nor_break_a_lock()
    {
        var cancel = TestContext.Current.CancellationToken;
        var line = ReadmeInspectionAclLine();
        await Admin.ExecuteAsync("ACL", [.. line[1..].Select(word => (object)(word == ">password" ? ">" + Password : word))]);
        await using var holder = await RedisTestConnections.ConnectAsync(_server);
        await using var reader = await RedisBidLockManager.ConnectAsync(
            new BidLockOptions { RedisUrl = $"redis://bidlocks-inspect:{Password}@127.0.0.1:{_server.Port}" },
            cancel);
        await using var lease = await holder.AcquireAsync(_marketplace, "watched", cancellationToken: cancel);

        Assert.Equal(lease.HolderId, (await reader.InspectAsync(_marketplace, "watched", cancel))?.HolderId);
        Assert.Equal(lease.HolderId, Assert.Single(await reader.ListHeldAsync(_marketplace, 10, cancel)).HolderId);
        Assert.Equal(BidLockHealthStatus.Healthy, (await reader.CheckHealthAsync(cancel)).Status);

        var take = await Assert.ThrowsAsync<BidLockUnavailableException>(() => reader.AcquireAsync(_marketplace, "other", TimeSpan.Zero, cancel).AsTask());
        Assert.True(take.Message.Contains("can't run this command", StringComparison.Ordinal) || take.Message.Contains("NOPERM", StringComparison.Ordinal), take.Message);
        await Assert.ThrowsAsync<BidLockUnavailableException>(() => reader.ForceReleaseAsync(_marketplace, "watched", "reader", cancel).AsTask());
        Assert.True(lease.IsHeld);
        Assert.Equal(lease.HolderId, (await holder.InspectAsync(_marketplace, "watched", cancel))?.HolderId);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_manual_holder_that_took_a_free_lock_is_known_from_its_grant_record()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var manager = await RedisTestConnections.ConnectAsync(_server);
        var before = DateTimeOffset.UtcNow;
        Assert.True(await manager.AcquireLockAsync(_marketplace, "manual", "worker-1", cancellationToken: cancel));
        var after = DateTimeOffset.UtcNow;
        await using var lease = await manager.AcquireAsync(_marketplace, "leased", cancellationToken: cancel);

        var manual = await manager.InspectAsync(_marketplace, "manual", cancel);
        Assert.Equal("worker-1", manual?.HolderId);
        Assert.Null(manual!.InstanceId);
        // A caller-named holder id carries no time; its grant records the server's (with the attempt that granted it,
        // so that an abandon of a later failed attempt leaves it alone). Same host, so the same clock, to the ms.
        Assert.InRange(manual.HeldSince!.Value, before.AddMilliseconds(-1), after.AddMilliseconds(1));
        Assert.NotNull(manual.HeldFor);
        Assert.InRange(manual.TimeToLive, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5));
        Assert.Equal(["leased", "manual"], (await manager.ListHeldAsync(_marketplace, 10, cancel)).Select(info => info.PostingId).Order());
        Assert.True(await manager.ReleaseLockAsync(_marketplace, "manual", "worker-1", cancel));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_client_clock_ahead_of_the_server_still_sees_a_held_lock_with_waiters()
    {
        var cancel = TestContext.Current.CancellationToken;
        var clock = new SteppedWallClock();
        await using var holder = await RedisTestConnections.ConnectAsync(_server);
        await using var waiter = await RedisTestConnections.ConnectAsync(_server);
        await using var inspector = await RedisTestConnections.ConnectAsync(_server, options => options.TimeProvider = clock);
        await using var lease = await holder.AcquireAsync(_marketplace, "ahead", new BidLockAcquireOptions(Ttl: TimeSpan.FromSeconds(30)), cancel);
        // A waiter queues, so the lock's value carries the hold's end in server time (+expiresAtMs:holder).
        var waiting = waiter.AcquireAsync(_marketplace, "ahead", TimeSpan.FromSeconds(30), cancel).AsTask();
        var key = RedisTestConnections.LockKey(_marketplace, "ahead");
        var queue = key + RedisKeyNames.QueueSuffix;
        await KeyspaceWatch.UntilAsync(_admin, queue, async database => await database.SortedSetLengthAsync(queue) > 0, cancel);
        Assert.StartsWith("+", (string?)await _admin.GetDatabase().StringGetAsync(key));

        // The inspecting host's clock runs a minute ahead of the server's, well past the hold's end.
        clock.StepAhead(TimeSpan.FromMinutes(1));
        var seen = await inspector.InspectAsync(_marketplace, "ahead", cancel);
        var listed = await inspector.ListHeldAsync(_marketplace, 10, cancel);

        Assert.Equal(lease.HolderId, seen?.HolderId);
        Assert.InRange(seen!.TimeToLive, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
        Assert.Equal(lease.HolderId, Assert.Single(listed).HolderId);
        await lease.ReleaseAsync();
        await using var next = await waiting;
    }

    private async Task<Dictionary<string, long>> CommandCallsAsync()
    {
        var info = (string)(await Admin.ExecuteAsync("INFO", "commandstats"))!;
        var calls = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in info.Split('\n', StringSplitOptions.TrimEntries))
        {
            // cmdstat_scan:calls=4,usec=...
            if (line.StartsWith("cmdstat_", StringComparison.Ordinal))
            {
                var name = line["cmdstat_".Length..line.IndexOf(':', StringComparison.Ordinal)];
                var count = line[(line.IndexOf("calls=", StringComparison.Ordinal) + 6)..];
                calls[name] = long.Parse(count[..count.IndexOf(',', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
            }
        }

        calls.Remove("info");
        return calls;
    }
}
