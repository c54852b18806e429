using System.Diagnostics;
using System.Globalization;
using System.Runtime.Versioning;
using System.Text.Json;
using BidLocks.TestHost;
using BidLocks.Tests.Reliability;
using BidLocks.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace BidLocks.Tests.Sqlite;

/// <summary>
/// The embedded SQLite default in production on one host, with real processes and real files: a waiter
/// killed with SIGKILL, the lock file deleted under running workers, a file in a temp folder, a file the worker cannot
/// write, and what a failed start prints.
/// </summary>
public sealed class SqliteOneHostTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDatabase _database = new();
    private readonly string _marketplace = "mkt-" + Guid.NewGuid().ToString("N");

    [Fact(Timeout = 120_000)]
    public async Task A_waiter_killed_with_SIGKILL_gives_up_its_place_at_once()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var holder = await SqliteBidLockManager.OpenAsync(_database.Path, cancellationToken: cancel);
        await using var survivor = await SqliteBidLockManager.OpenAsync(_database.Path, cancellationToken: cancel);
        var held = await holder.AcquireAsync(_marketplace, "queued", cancellationToken: cancel);

        // The child queues first, the survivor behind it; then the child dies while still first in line.
        await using var child = TestHostProcess.Start("hold", "--db", _database.Path, "--marketplace", _marketplace, "--posting", "queued", "--ttl-ms", "30000");
        await Poll.UntilAsync(() => QueuedWaiters() == 1, TimeSpan.FromSeconds(60), "the child's place in the queue");
        var next = survivor.AcquireAsync(_marketplace, "queued", TimeSpan.FromSeconds(30), cancel).AsTask();
        await Poll.UntilAsync(() => QueuedWaiters() == 2, TimeSpan.FromSeconds(60), "the survivor's place behind it");
        await child.KillAsync();

        var releasedAt = Stopwatch.GetTimestamp();
        await held.ReleaseAsync();
        await using var lease = await next;
        var gap = Stopwatch.GetElapsedTime(releasedAt);

        Assert.True(lease.FencingToken > held.FencingToken);
        // The dead waiter's place would have lasted its WaiterTtl (3 s). A second is far more than the hand-off takes
        // even on a loaded machine (a few ms here), and far less than the place.
        output.WriteLine($"The survivor had the lock {gap.TotalMilliseconds:F0} ms after the release; the dead waiter was first in line.");
        Assert.True(gap < TimeSpan.FromSeconds(1), $"the survivor waited {gap.TotalMilliseconds:F0} ms behind a dead waiter");
    }

    [Fact(Timeout = 120_000)]
    public async Task A_deleted_lock_file_fails_closed_loses_every_lease_and_reopens_as_a_new_generation()
    {
        var cancel = TestContext.Current.CancellationToken;
        using var logs = new CapturingLoggerFactory();
        await using var first = await SqliteBidLockManager.OpenAsync(_database.Path, new BidLockOptions { LoggerFactory = logs }, cancel);
        var oldLease = await first.AcquireAsync(_marketplace, "kept", cancellationToken: cancel);
        var lost = new TaskCompletionSource();
        using var onLost = oldLease.LostToken.Register(() => lost.TrySetResult());

        DeleteDatabaseFiles();

        // The next grant would come from a file no other new process will ever open: refused, and every lease of it lost.
        var refused = await Assert.ThrowsAsync<BidLockUnavailableException>(async () => await first.AcquireAsync(_marketplace, "other", cancellationToken: cancel));
        output.WriteLine(refused.Message);
        Assert.Contains(_database.Path, refused.Message);
        await lost.Task.WaitAsync(TimeSpan.FromSeconds(30), cancel);
        Assert.Contains(logs.Entries, entry => entry.Level == LogLevel.Error && entry.Message.Contains(_database.Path, StringComparison.Ordinal) && entry.Message.Contains("generation", StringComparison.Ordinal));
        await oldLease.DisposeAsync();

        // A process started now creates the file again; the first manager reopens the path and shares that file.
        await using var second = await SqliteBidLockManager.OpenAsync(_database.Path, cancellationToken: cancel);
        var newLease = await second.AcquireAsync(_marketplace, "kept", cancellationToken: cancel);
        Assert.Null(await first.TryAcquireAsync(_marketplace, "kept", TimeSpan.Zero, cancel));
        await newLease.ReleaseAsync();
        await using var again = await first.AcquireAsync(_marketplace, "kept", cancellationToken: cancel);
        Assert.True(again.FencingToken > newLease.FencingToken && newLease.FencingToken > oldLease.FencingToken);
        Assert.True(File.Exists(_database.Path));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_lock_still_held_in_the_deleted_file_is_not_granted_again_by_the_old_group()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var first = await SqliteBidLockManager.OpenAsync(_database.Path, cancellationToken: cancel);
        await using var other = await SqliteBidLockManager.OpenAsync(_database.Path, cancellationToken: cancel);
        // Another manager of the old group holds "busy" in the old file, with a body that may still be running.
        await using var held = await other.AcquireAsync(_marketplace, "busy", cancellationToken: cancel);

        DeleteDatabaseFiles();
        await Assert.ThrowsAsync<BidLockUnavailableException>(async () => await first.AcquireAsync(_marketplace, "free", cancellationToken: cancel));

        // The new file is empty, but the first manager read the old file's holds when its generation ended.
        Assert.Null(await first.TryAcquireAsync(_marketplace, "busy", TimeSpan.Zero, cancel));
        await using var free = await first.AcquireAsync(_marketplace, "free", cancellationToken: cancel);
        Assert.True(File.Exists(_database.Path));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_health_check_after_the_lock_file_is_deleted_is_unhealthy_then_the_path_is_reopened()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var manager = await SqliteBidLockManager.OpenAsync(_database.Path, cancellationToken: cancel);
        Assert.Equal(BidLockHealthStatus.Healthy, (await manager.CheckHealthAsync(cancel)).Status);

        DeleteDatabaseFiles();
        var health = await manager.CheckHealthAsync(cancel);

        Assert.Equal(BidLockHealthStatus.Unhealthy, health.Status);
        Assert.Contains("no longer names the file", health.Description, StringComparison.Ordinal);
        Assert.Equal(BidLockHealthStatus.Healthy, (await manager.CheckHealthAsync(cancel)).Status);
        Assert.True(File.Exists(_database.Path));
    }

    [Fact(Timeout = 300_000)]
    public async Task Workers_whose_lock_file_is_deleted_do_not_split_into_two_lock_groups()
    {
        const int Postings = 4;
        var ledger = SoakLedger.Create(_database.File("ledger"), Postings);
        var before = await StartSoakAsync(2, Postings, ledger);
        var after = new List<TestHostProcess>();
        try
        {
            await WaitForStateAsync(before, "ok");
            DeleteDatabaseFiles();
            after.AddRange(await StartSoakAsync(2, Postings, ledger));
            await WaitForStateAsync(after, "ok");

            // Workload, not synchronisation: all four bid on the same postings for a while after the deletion, long
            // enough that a process of the old group that waits behind the others still tries again (2 s once left
            // one with 9 tries in all, none after the deletion, on a clean CI machine).
            await Task.Delay(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
            var oldGroup = await SoakProcesses.StopAllAsync(before);
            var newGroup = await SoakProcesses.StopAllAsync(after);

            var all = oldGroup.Concat(newGroup).ToList();
            var counted = Enumerable.Range(0, Postings).Sum(ledger.ReadCounter);
            output.WriteLine($"{all.Sum(summary => summary.Successes)} bids, counters {counted}, ledger errors {all.Sum(summary => summary.LedgerErrors)}, "
                + $"in the processes that had the deleted file: {oldGroup.Sum(summary => summary.Unavailable)} acquire(s) refused, {oldGroup.Sum(summary => summary.Metrics.BackendErrors)} backend error(s)");
            // One lock group: no update lost, no fence out of order on any posting.
            Assert.Equal(all.Sum(summary => summary.Successes), counted);
            Assert.Equal(0, all.Sum(summary => summary.LedgerErrors));
            for (var posting = 0; posting < Postings; posting++)
            {
                var fences = ledger.ReadFences(posting);
                Assert.All(fences.Zip(fences.Skip(1)), pair => Assert.True(pair.Second > pair.First, $"posting {posting}: fence {pair.Second} after {pair.First}"));
            }

            // Loudly: each process that had the deleted file met its end as a backend error (an acquire refused, or a
            // release or a queue exit that found it, which a lease's disposal does not rethrow), then bid again.
            Assert.All(oldGroup, summary => Assert.True(summary.Metrics.BackendErrors > 0, $"process {summary.ProcessId} never noticed: {summary}"));
        }
        finally
        {
            foreach (var host in before.Concat(after))
            {
                await host.DisposeAsync();
            }
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task A_lock_file_in_a_temp_folder_is_named_in_a_warning()
    {
        var cancel = TestContext.Current.CancellationToken;
        var temp = Path.Combine(Path.GetTempPath(), "bidlocks-onehost-" + Guid.NewGuid().ToString("N"), "locks.db");
        // Outside every temp folder (the tests' own folder may be inside one, as in a clone made under /tmp).
        var shared = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".bidlocks-onehost-" + Guid.NewGuid().ToString("N"), "locks.db");
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(temp)!);
            Directory.CreateDirectory(Path.GetDirectoryName(shared)!);
            using var tempLogs = new CapturingLoggerFactory();
            using var sharedLogs = new CapturingLoggerFactory();
            await (await SqliteBidLockManager.OpenAsync(temp, new BidLockOptions { LoggerFactory = tempLogs }, cancel)).DisposeAsync();
            await (await SqliteBidLockManager.OpenAsync(shared, new BidLockOptions { LoggerFactory = sharedLogs }, cancel)).DisposeAsync();

            // Another TMPDIR, PrivateTmp= or a container's own /tmp would give each instance its own file there.
            var warning = Assert.Single(tempLogs.Entries, entry => entry.Message.StartsWith("Opened the SQLite lock database " + temp, StringComparison.Ordinal));
            output.WriteLine(warning.Message);
            Assert.Equal(LogLevel.Warning, warning.Level);
            Assert.Contains("PrivateTmp", warning.Message, StringComparison.Ordinal);
            Assert.Equal(LogLevel.Information, Assert.Single(sharedLogs.Entries, entry => entry.Message.StartsWith("Opened the SQLite lock database " + shared, StringComparison.Ordinal)).Level);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(temp)!, recursive: true);
            Directory.Delete(Path.GetDirectoryName(shared)!, recursive: true);
        }
    }

    [Fact(Timeout = 120_000)]
    [UnsupportedOSPlatform("windows")]
    public async Task A_lock_file_the_worker_cannot_write_stops_the_host()
    {
        await (await SqliteBidLockManager.OpenAsync(_database.Path, cancellationToken: TestContext.Current.CancellationToken)).DisposeAsync();
        // As in the issue: the file belongs to root and is read-only to everyone else; its folder is not the problem.
        File.SetUnixFileMode(_database.Folder, (UnixFileMode)0b111_111_111);
        File.SetUnixFileMode(_database.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        await using var worker = TestHostProcess.StartAsNobody(WorkerEnvironment(_database.Path), "worker");
        var printed = await worker.ReadToEndAsync();
        var exitCode = await worker.WaitForExitAsync();

        output.WriteLine($"exit {exitCode}\n{printed}{worker.Errors}");
        Assert.DoesNotContain("started", printed.Split('\n'));
        Assert.NotEqual(0, exitCode);
        Assert.Contains(_database.Path, printed + worker.Errors);
    }

    // No timeout of its own: every read from the worker has one (TestHostProcess).
    [Fact]
    public async Task A_failed_start_says_why_in_one_line_without_a_stack_trace()
    {
        var missing = Path.Combine(_database.Folder, "missing-folder", "locks.db");
        await using var worker = TestHostProcess.Start(WorkerEnvironment(missing), "worker");
        var printed = await worker.ReadToEndAsync();
        var exitCode = await worker.WaitForExitAsync();
        var lines = (printed + worker.Errors).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        output.WriteLine($"exit {exitCode}, {lines.Length} lines:\n{string.Join('\n', lines)}");
        Assert.NotEqual(0, exitCode);
        Assert.DoesNotContain(lines, line => line.StartsWith("at ", StringComparison.Ordinal));
        // The reason, naming the file, on one line in the host's log, and on one line again where host.Run() reports the
        // unhandled exception (the runtime prints that whatever a library does); nothing else.
        Assert.Equal(2, lines.Count(line => line.Contains(missing, StringComparison.Ordinal)));
        Assert.True(lines.Length <= 4, $"{lines.Length} lines");
    }

    public void Dispose() => _database.Dispose();

    // The worker's settings, and nothing of this test process's own: an explicit SQLite choice that names its file.
    // (Development, so that the rule for SQLite outside Development is not what these tests exercise.)
    private static Dictionary<string, string?> WorkerEnvironment(string path) => new()
    {
        ["DOTNET_ENVIRONMENT"] = "Development",
        ["ASPNETCORE_ENVIRONMENT"] = null,
        ["USE_REDIS_LOCKS"] = "false",
        ["BIDLOCKS_SQLITE_PATH"] = path,
        ["REDIS_URL"] = null,
        ["REDIS_HOST"] = null,
    };

    private void DeleteDatabaseFiles()
    {
        foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
        {
            File.Delete(_database.Path + suffix);
        }
    }

    private int QueuedWaiters()
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _database.Path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM bidlock_waiters";
        return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private async Task<List<TestHostProcess>> StartSoakAsync(int processes, int postings, SoakLedger ledger)
    {
        var hosts = Enumerable.Range(0, processes).Select(_ => TestHostProcess.Start(
            "soak", "--db", _database.Path, "--marketplace", _marketplace, "--ledger", ledger.Folder, "--max-seconds", "240",
            "--postings", postings.ToString(CultureInfo.InvariantCulture), "--workers", "4", "--ttl-ms", "3000")).ToList();
        await ReadySetGo.StartTogetherAsync(hosts);
        return hosts;
    }

    private static Task WaitForStateAsync(List<TestHostProcess> hosts, string state) => Task.WhenAll(hosts.Select(async host =>
    {
        while ((await host.ReadLineAsync()).Split(' ') is not ["state", var name, _] || name != state)
        {
        }
    }));
}
