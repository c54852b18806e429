using System.Diagnostics;
using BidLocks.Tests.Support;
using Microsoft.Data.Sqlite;

namespace BidLocks.Tests.Sqlite;

/// <summary>
/// Another writer holds the database file for longer than a lease's TTL (a slow process, a backup, a stuck
/// transaction). A lease granted or renewed after that wait counts its TTL from when it got the file, never from when
/// it asked; a lease whose renewal is stuck behind the writer is lost at its expiry, not when the writer lets go.
/// </summary>
public sealed class SqliteStalledWriterTests : IDisposable
{
    private static readonly TimeSpan Stall = TimeSpan.FromSeconds(3);
    private readonly TempDatabase _database = new();
    private readonly string _marketplace = "mkt-" + Guid.NewGuid().ToString("N");

    public void Dispose() => _database.Dispose();

    [Fact(Timeout = 60_000)]
    public async Task A_lease_granted_after_waiting_for_another_writer_is_not_already_expired()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var manager = await SqliteBidLockManager.OpenAsync(_database.Path, cancellationToken: cancel);
        await using var intruder = await OpenAsync(cancel);
        var ttl = TimeSpan.FromSeconds(1);

        SqliteBidLockManagerTests.Execute(intruder, "BEGIN IMMEDIATE");
        var asked = Stopwatch.StartNew();
        var acquire = Task.Run(async () => await manager.AcquireAsync(_marketplace, "stalled", new BidLockAcquireOptions(Timeout: TimeSpan.FromSeconds(20), Ttl: ttl), cancel), cancel);
        await Task.Delay(Stall, cancel); // the stall itself: how long the other writer keeps the file
        SqliteBidLockManagerTests.Execute(intruder, "ROLLBACK");
        var lease = await acquire;
        var now = DateTimeOffset.UtcNow;

        Assert.True(asked.Elapsed >= Stall - TimeSpan.FromMilliseconds(100), $"the acquire was not held up by the writer ({asked.Elapsed})");
        Assert.True(lease.ExpiresAt > now, $"granted a lease that expired at {lease.ExpiresAt:O}, before it was returned at {now:O}");
        Assert.True(lease.IsHeld);
        Assert.False(lease.LostToken.IsCancellationRequested);
        Assert.True(await lease.ReleaseAsync());
    }

    [Fact(Timeout = 60_000)]
    public async Task A_renewal_stuck_behind_another_writer_loses_the_lease_at_its_expiry()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var manager = await SqliteBidLockManager.OpenAsync(_database.Path, cancellationToken: cancel);
        await using var intruder = await OpenAsync(cancel);
        var lease = await manager.AcquireAsync(_marketplace, "renewal", new BidLockAcquireOptions(Ttl: TimeSpan.FromMilliseconds(900)), cancel);
        var lost = new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
        lease.LostToken.Register(() => lost.TrySetResult(DateTimeOffset.UtcNow));
        var expiresAt = lease.ExpiresAt;

        // The writer takes the file before the first renewal (at a third of the TTL) and keeps it past the expiry.
        SqliteBidLockManagerTests.Execute(intruder, "BEGIN IMMEDIATE");
        DateTimeOffset lostAt;
        try
        {
            lostAt = await lost.Task.WaitAsync(TimeSpan.FromSeconds(20), cancel);
        }
        finally
        {
            SqliteBidLockManagerTests.Execute(intruder, "ROLLBACK");
        }

        // At the expiry; the second of slack is for a loaded machine, and far short of the stall's end.
        Assert.True(lostAt - expiresAt < TimeSpan.FromSeconds(1), $"LostToken fired {(lostAt - expiresAt).TotalMilliseconds:F0} ms after the lease's expiry");
        Assert.True(lease.IsLost);
        Assert.False(await lease.ReleaseAsync());
    }

    [Fact(Timeout = 60_000)]
    public async Task A_lease_capped_while_the_writer_stalls_does_not_hold_up_another_lease_due_in_the_same_tick()
    {
        var cancel = TestContext.Current.CancellationToken;
        var clock = new LateTimersClock();
        await using var manager = await SqliteBidLockManager.OpenAsync(_database.Path, new BidLockOptions { TimeProvider = clock }, cancel);
        await using var intruder = await OpenAsync(cancel);

        // The renewal tick comes half a second late (a loaded machine), so the capped lease (capped 600 ms in) and the
        // other's first renewal (a third of its 3 s TTL in) are due in the same tick, the capped one handed over first.
        clock.Lag = TimeSpan.FromMilliseconds(500);
        var renewed = await manager.AcquireAsync(_marketplace, "renewed", new BidLockAcquireOptions(Ttl: TimeSpan.FromSeconds(3)), cancel);
        var capped = await manager.AcquireAsync(_marketplace, "capped", new BidLockAcquireOptions(Ttl: TimeSpan.FromSeconds(3), MaxHold: TimeSpan.FromMilliseconds(600)), cancel);
        clock.Lag = TimeSpan.Zero;
        var lost = new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
        renewed.LostToken.Register(() => lost.TrySetResult(DateTimeOffset.UtcNow));
        var expiresAt = renewed.ExpiresAt;

        // The writer holds the file from before that tick until the renewed lease is lost: the capped lease's release
        // and the other's renewal both wait for it.
        SqliteBidLockManagerTests.Execute(intruder, "BEGIN IMMEDIATE");
        DateTimeOffset lostAt;
        try
        {
            lostAt = await lost.Task.WaitAsync(TimeSpan.FromSeconds(30), cancel);
        }
        finally
        {
            SqliteBidLockManagerTests.Execute(intruder, "ROLLBACK");
        }

        // At the expiry (a second of slack for a loaded machine), not after the capped lease's release gave up on the
        // writer (the busy timeout, 5 s).
        Assert.True(lostAt - expiresAt < TimeSpan.FromSeconds(1), $"LostToken fired {(lostAt - expiresAt).TotalMilliseconds:F0} ms after the lease's expiry");
        Assert.True(capped.IsLost);
        Assert.True(renewed.IsLost);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_named_holder_whose_second_ask_times_out_behind_another_writer_keeps_the_lock()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var manager = await SqliteBidLockManager.OpenAsync(_database.Path, new BidLockOptions { SqliteBusyTimeout = TimeSpan.FromSeconds(2) }, cancel);
        await using var rival = await SqliteBidLockManager.OpenAsync(_database.Path, cancellationToken: cancel);
        await using var intruder = await OpenAsync(cancel);
        Assert.True(await manager.AcquireLockAsync(_marketplace, "asked-again", "holder-1", TimeSpan.Zero, cancel));

        // Asking again (which keeps the lock) fails behind the writer; the writer lets go as soon as the caller hears.
        SqliteBidLockManagerTests.Execute(intruder, "BEGIN IMMEDIATE");
        try
        {
            await Assert.ThrowsAsync<BidLockUnavailableException>(async () => await manager.AcquireLockAsync(_marketplace, "asked-again", "holder-1", TimeSpan.FromSeconds(10), cancel));
        }
        finally
        {
            SqliteBidLockManagerTests.Execute(intruder, "ROLLBACK");
        }

        // The failed call's abandon, which was waiting for the writer too, has run by the end of the rival's wait.
        Assert.False(await rival.AcquireLockAsync(_marketplace, "asked-again", "holder-2", TimeSpan.FromSeconds(3), cancel), "another holder got the lock while holder-1 still held it");
        Assert.True(await manager.ReleaseLockAsync(_marketplace, "asked-again", "holder-1", cancel), "holder-1 no longer held the lock it had before asking again");
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancel)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _database.Path, Pooling = false }.ToString());
        await connection.OpenAsync(cancel);
        return connection;
    }
}
