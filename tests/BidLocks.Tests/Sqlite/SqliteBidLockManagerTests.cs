using BidLocks.Tests.Contract;
using Microsoft.Data.Sqlite;

namespace BidLocks.Tests.Sqlite;

/// <summary>
/// The shared backend behaviour against a real SQLite file. Each test has a file of its own; a peer is a second
/// manager on that file, with connections of its own, as a second process would have.
/// </summary>
public sealed class SqliteBidLockManagerTests : BidLockManagerContract
{
    private readonly TempDatabase _database = new();

    protected override ValueTask<IBidLockManager> CreateBackendManagerAsync(BidLockOptions options)
        => ValueTask.FromResult<IBidLockManager>(new SqliteBidLockManager(_database.Path, options));

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _database.Dispose();
    }

    [Fact(Timeout = 30_000)]
    public async Task Reports_its_backend_file_and_version()
    {
        var manager = (SqliteBidLockManager)await CreateManagerAsync();

        var health = await manager.CheckHealthAsync(TestContext.Current.CancellationToken);

        Assert.Equal("sqlite", manager.Backend);
        Assert.Equal(_database.Path, manager.DatabasePath);
        Assert.Equal(BidLockHealthStatus.Healthy, health.Status);
        Assert.Contains(_database.Path, health.Description);
        Assert.Matches(@"^3\.\d+\.\d+$", health.ServerVersion);
        Assert.NotNull(health.Latency);
    }

    [Fact(Timeout = 30_000)]
    public async Task The_options_name_the_file()
    {
        await using var manager = new SqliteBidLockManager(new BidLockOptions { SqlitePath = _database.Path });

        Assert.Equal(_database.Path, manager.DatabasePath);
        await using var lease = await manager.AcquireAsync(Marketplace, "configured", cancellationToken: TestContext.Current.CancellationToken);
    }

    [Fact(Timeout = 30_000)]
    public async Task The_file_is_created_on_first_use_in_WAL_mode_with_a_versioned_schema()
    {
        var manager = await CreateManagerAsync();
        Assert.False(File.Exists(_database.Path));

        await using (await manager.AcquireAsync(Marketplace, "first-use", cancellationToken: TestContext.Current.CancellationToken))
        {
        }

        await using var connection = Open(_database.Path);
        Assert.Equal("wal", Scalar(connection, "PRAGMA journal_mode"));
        Assert.Equal(1L, Scalar(connection, "PRAGMA user_version"));
        Assert.Equal(3L, Scalar(connection, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('bidlock_holds', 'bidlock_fences', 'bidlock_waiters')"));
    }

    [Fact(Timeout = 30_000)]
    public async Task Fences_never_go_back_after_release_cleanup_and_a_restart()
    {
        long last;
        await using (var first = new SqliteBidLockManager(_database.Path))
        {
            var lease = await first.AcquireAsync(Marketplace, "restart", cancellationToken: TestContext.Current.CancellationToken);
            last = lease.FencingToken;
            Assert.True(await lease.ReleaseAsync());
            await first.CleanupExpiredAsync(TestContext.Current.CancellationToken);
        }

        // A new "process": a new manager, new connections, the same file.
        await using var second = new SqliteBidLockManager(_database.Path);
        for (var round = 0; round < 3; round++)
        {
            await using var lease = await second.AcquireAsync(Marketplace, "restart", cancellationToken: TestContext.Current.CancellationToken);
            Assert.True(lease.FencingToken > last, $"{lease.FencingToken} after {last}");
            last = lease.FencingToken;
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task A_fence_stays_ahead_even_when_its_row_is_lost()
    {
        var manager = await CreateManagerAsync();
        long before;
        await using (var lease = await manager.AcquireAsync(Marketplace, "lost-fence", cancellationToken: TestContext.Current.CancellationToken))
        {
            before = lease.FencingToken;
        }

        // As if the fence row were lost (a file restored from an old copy): the clock floor keeps the next one higher.
        await using (var connection = Open(_database.Path))
        {
            Execute(connection, "DELETE FROM bidlock_fences");
        }

        await using var after = await manager.AcquireAsync(Marketplace, "lost-fence", cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(after.FencingToken > before, $"{after.FencingToken} after {before}");
    }

    [Fact(Timeout = 30_000)]
    public async Task A_database_from_a_newer_BidLocks_is_refused_and_left_alone()
    {
        await using (var connection = Open(_database.Path))
        {
            Execute(connection, "PRAGMA user_version = 99");
        }

        var manager = await CreateManagerAsync();
        var bodyRan = false;

        var error = await Assert.ThrowsAsync<BidLockUnavailableException>(async () =>
        {
            await using var lease = await manager.AcquireAsync(Marketplace, "newer", cancellationToken: TestContext.Current.CancellationToken);
            bodyRan = true;
        });

        Assert.False(bodyRan);
        Assert.Contains(_database.Path, error.Message);
        Assert.Contains("version 99", error.Message);
        await using var check = Open(_database.Path);
        Assert.Equal(99L, Scalar(check, "PRAGMA user_version"));
        Assert.Equal(0L, Scalar(check, "SELECT count(*) FROM sqlite_master"));
    }

    [Fact(Timeout = 30_000)]
    public async Task Cleanup_counts_the_expired_holds_and_keeps_the_fences()
    {
        var manager = await CreateManagerAsync();
        for (var i = 0; i < 3; i++)
        {
            Assert.True(await manager.AcquireLockAsync(Marketplace, $"stale-{i}", "crashed-holder", cancellationToken: TestContext.Current.CancellationToken));
        }

        // The holder "crashed" an hour ago: its holds are long expired.
        await using (var connection = Open(_database.Path))
        {
            Execute(connection, "UPDATE bidlock_holds SET expires_at = expires_at - 3600000");
        }

        Assert.Equal(3, await manager.CleanupExpiredAsync(TestContext.Current.CancellationToken));
        Assert.Equal(0, await manager.CleanupExpiredAsync(TestContext.Current.CancellationToken));
        await using var check = Open(_database.Path);
        Assert.Equal(3L, Scalar(check, "SELECT count(*) FROM bidlock_fences"));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_waiter_that_gives_up_leaves_the_queue_so_the_next_one_is_not_held_up()
    {
        var one = await CreateManagerAsync();
        var two = await CreatePeerAsync(one);
        var held = await one.AcquireAsync(Marketplace, "queue", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Null(await InFreshFlow(async () => await two.TryAcquireAsync(Marketplace, "queue", TimeSpan.FromMilliseconds(100), TestContext.Current.CancellationToken)));
        await using (var connection = Open(_database.Path))
        {
            Assert.Equal(0L, Scalar(connection, "SELECT count(*) FROM bidlock_waiters"));
        }

        Assert.True(await held.ReleaseAsync());
        // Timeout zero: one try, which a place left behind by the waiter above would refuse.
        await using var next = await InFreshFlow(async () => await one.AcquireAsync(Marketplace, "queue", TimeSpan.Zero, TestContext.Current.CancellationToken));
        Assert.True(next.FencingToken > held.FencingToken);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_free_lock_goes_to_the_waiter_of_the_other_manager_that_queued_first()
    {
        var one = await CreateManagerAsync();
        var two = await CreatePeerAsync(one);
        var held = await one.AcquireAsync(Marketplace, "turns", cancellationToken: TestContext.Current.CancellationToken);
        var waiter = InFreshFlow(async () => await two.AcquireAsync(Marketplace, "turns", TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken));
        await WaitUntilAsync(() => QueueLength("turns") == 1);

        Assert.True(await held.ReleaseAsync());
        // The releasing manager tries again at once, but the other manager's waiter queued first.
        Assert.Null(await InFreshFlow(async () => await one.TryAcquireAsync(Marketplace, "turns", TimeSpan.Zero, TestContext.Current.CancellationToken)));
        await using var handedOver = await waiter;
        Assert.True(handedOver.FencingToken > held.FencingToken);
    }

    [Fact(Timeout = 30_000)]
    public async Task Without_file_change_hints_a_waiter_of_another_manager_still_gets_the_lock_by_polling()
    {
        // As where the file system cannot be watched (no inotify instance left, say): the backoff alone hands over.
        await using var one = await SqliteBidLockManager.OpenAsync(_database.Path, new BidLockOptions(), _ => null, TestContext.Current.CancellationToken, watchChanges: false);
        await using var two = await SqliteBidLockManager.OpenAsync(_database.Path, new BidLockOptions(), _ => null, TestContext.Current.CancellationToken, watchChanges: false);
        var held = await one.AcquireAsync(Marketplace, "polled", cancellationToken: TestContext.Current.CancellationToken);
        var waiter = InFreshFlow(async () => await two.AcquireAsync(Marketplace, "polled", TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken));
        await WaitUntilAsync(() => QueueLength("polled") == 1);

        Assert.True(await held.ReleaseAsync());

        await using var next = await waiter;
        Assert.True(next.FencingToken > held.FencingToken);
        var health = await two.CheckHealthAsync(TestContext.Current.CancellationToken);
        Assert.Contains("polling", health.Description);
    }

    private long QueueLength(string posting)
    {
        using var connection = Open(_database.Path);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM bidlock_waiters WHERE key = $key";
        command.Parameters.AddWithValue("$key", BidLockKey.Create(BidLockDefaults.KeyPrefix, Marketplace, posting).Value);
        return (long)command.ExecuteScalar()!;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        // Bounded: the state comes from another task's database write, which has no event to wait on.
        for (var i = 0; i < 1000 && !condition(); i++)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        Assert.True(condition());
    }

    internal static SqliteConnection Open(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    internal static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    internal static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
