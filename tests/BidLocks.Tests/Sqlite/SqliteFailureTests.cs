using System.Diagnostics;
using System.Runtime.Versioning;
using Microsoft.Data.Sqlite;

namespace BidLocks.Tests.Sqlite;

/// <summary>
/// A database file that cannot be used fails each call closed with <see cref="BidLockUnavailableException"/> naming the
/// file: the body does not run and the file is not changed. Bad paths are refused before any I/O.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class SqliteFailureTests : IDisposable
{
    private readonly TempDatabase _database = new();
    private readonly string _marketplace = "mkt-" + Guid.NewGuid().ToString("N");

    [Fact(Timeout = 30_000)]
    public async Task A_missing_folder_fails_closed_and_names_the_path()
    {
        var path = Path.Combine(_database.Folder, "no-such-folder", "locks.sqlite3");
        await using var manager = new SqliteBidLockManager(path);

        var error = await AssertBodyDoesNotRunAsync(manager, TestContext.Current.CancellationToken);

        Assert.Contains(path, error.Message);
        Assert.Contains("does not exist", error.Message);
        Assert.Equal("sqlite", error.Backend);
        Assert.False(Directory.Exists(Path.GetDirectoryName(path)));
        Assert.Equal(1, manager.GetMetrics().BackendErrors);
    }

    [Fact(Timeout = 30_000)]
    public async Task OpenAsync_reports_an_unusable_file_at_start()
    {
        var path = Path.Combine(_database.Folder, "no-such-folder", "locks.sqlite3");

        var error = await Assert.ThrowsAsync<BidLockUnavailableException>(async () => await SqliteBidLockManager.OpenAsync(path, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains(path, error.Message);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_folder_that_cannot_be_written_fails_closed_and_names_the_path()
    {
        var folder = UnwritableFolder();
        var path = Path.Combine(folder, "bidlocks-test.sqlite3");
        await using var manager = new SqliteBidLockManager(path);

        var error = await AssertBodyDoesNotRunAsync(manager, TestContext.Current.CancellationToken);

        Assert.Contains(path, error.Message);
        Assert.False(File.Exists(path));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_read_only_database_file_fails_closed_and_is_not_changed()
    {
        await using (var writer = await SqliteBidLockManager.OpenAsync(_database.Path, cancellationToken: TestContext.Current.CancellationToken))
        {
            Assert.True(await writer.AcquireLockAsync(_marketplace, "kept", "holder", cancellationToken: TestContext.Current.CancellationToken));
        }

        var before = await File.ReadAllBytesAsync(_database.Path, TestContext.Current.CancellationToken);
        using var readOnly = ReadOnlyFile.Make(_database.Path);
        await using var manager = new SqliteBidLockManager(_database.Path);

        var error = await AssertBodyDoesNotRunAsync(manager, TestContext.Current.CancellationToken);

        Assert.Contains(_database.Path, error.Message);
        readOnly.Dispose();
        Assert.Equal(before, await File.ReadAllBytesAsync(_database.Path, TestContext.Current.CancellationToken));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_file_that_is_not_a_database_fails_closed_and_is_left_untouched()
    {
        var garbage = new byte[8192];
        new Random(42).NextBytes(garbage);
        await File.WriteAllBytesAsync(_database.Path, garbage, TestContext.Current.CancellationToken);
        await using var manager = new SqliteBidLockManager(_database.Path);

        var error = await AssertBodyDoesNotRunAsync(manager, TestContext.Current.CancellationToken);
        var health = await manager.CheckHealthAsync(TestContext.Current.CancellationToken);

        Assert.Contains(_database.Path, error.Message);
        Assert.Contains("corrupt", error.Message);
        Assert.Equal(BidLockHealthStatus.Unhealthy, health.Status);
        Assert.Contains(_database.Path, health.Description);
        Assert.Equal(garbage, await File.ReadAllBytesAsync(_database.Path, TestContext.Current.CancellationToken));
        Assert.False(File.Exists(_database.Path + "-wal"));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_database_held_by_another_writer_too_long_fails_closed_then_recovers()
    {
        await using var manager = await SqliteBidLockManager.OpenAsync(_database.Path, new BidLockOptions { SqliteBusyTimeout = TimeSpan.FromSeconds(1) }, TestContext.Current.CancellationToken);
        await using var intruder = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _database.Path, Pooling = false }.ToString());
        await intruder.OpenAsync(TestContext.Current.CancellationToken);
        SqliteBidLockManagerTests.Execute(intruder, "BEGIN IMMEDIATE");

        var started = Stopwatch.StartNew();
        var error = await AssertBodyDoesNotRunAsync(manager, TestContext.Current.CancellationToken);

        Assert.Contains(_database.Path, error.Message);
        Assert.Contains("another writer", error.Message);
        Assert.True(started.Elapsed >= TimeSpan.FromSeconds(0.9), $"gave up after {started.Elapsed}");
        SqliteBidLockManagerTests.Execute(intruder, "ROLLBACK");
        await using var lease = await manager.AcquireAsync(_marketplace, "posting", cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(lease.IsHeld);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(":memory:")]
    [InlineData("file:locks.db?mode=memory")]
    [InlineData("/tmp/")]
    public void Paths_that_are_not_database_files_are_refused_before_any_io(string path)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => new SqliteBidLockManager(path));

        Assert.Equal("databasePath", error.ParamName);
    }

    [Fact]
    public void A_bad_path_in_the_options_is_refused_by_name()
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => new SqliteBidLockManager(new BidLockOptions { SqlitePath = ":memory:" }));

        Assert.Equal(nameof(BidLockOptions.SqlitePath), error.ParamName);
    }

    [Fact]
    public void A_busy_timeout_under_a_second_is_refused_by_name()
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => new SqliteBidLockManager(_database.Path, new BidLockOptions { SqliteBusyTimeout = TimeSpan.FromMilliseconds(100) }));

        Assert.Equal(nameof(BidLockOptions.SqliteBusyTimeout), error.ParamName);
    }

    public void Dispose() => _database.Dispose();

    private async Task<BidLockUnavailableException> AssertBodyDoesNotRunAsync(IBidLockManager manager, CancellationToken cancellationToken)
    {
        var bodyRan = false;
        var error = await Assert.ThrowsAsync<BidLockUnavailableException>(async () =>
        {
            await using var lease = await manager.AcquireAsync(_marketplace, "posting", TimeSpan.FromSeconds(5), cancellationToken);
            bodyRan = true;
        });
        Assert.False(bodyRan);
        return error;
    }

    /// <summary>
    /// A folder this process cannot create files in: a read-only temp folder, or, for root (whom file modes do not
    /// stop), sysfs, where the kernel refuses new files to everyone.
    /// </summary>
    private string UnwritableFolder()
    {
        var folder = Path.Combine(_database.Folder, "read-only");
        Directory.CreateDirectory(folder);
        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        return CanCreateFileIn(folder) ? "/sys" : folder;
    }

    private static bool CanCreateFileIn(string folder)
    {
        try
        {
            File.Create(Path.Combine(folder, "probe")).Dispose();
            File.Delete(Path.Combine(folder, "probe"));
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
