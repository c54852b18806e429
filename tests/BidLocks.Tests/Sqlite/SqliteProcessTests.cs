using System.Diagnostics;
using System.Globalization;

namespace BidLocks.Tests.Sqlite;

/// <summary>Real processes on one SQLite file: exclusion, fences, hand-off and a holder killed with SIGKILL.</summary>
public sealed class SqliteProcessTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDatabase _database = new();
    private readonly string _marketplace = "mkt-" + Guid.NewGuid().ToString("N");

    [Fact(Timeout = 300_000)]
    public async Task Sixteen_workers_in_four_processes_never_overlap_and_fences_increase()
    {
        const int Processes = 4, WorkersPerProcess = 4, Rounds = 25;
        var ledger = _database.File("ledger.txt");
        var counter = _database.File("counter.txt");
        await File.WriteAllTextAsync(counter, "0", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(ledger, string.Empty, TestContext.Current.CancellationToken);
        var hosts = Enumerable.Range(0, Processes).Select(_ => TestHostProcess.Start(
            "contend", "--db", _database.Path, "--marketplace", _marketplace, "--posting", "contended",
            "--workers", WorkersPerProcess.ToString(CultureInfo.InvariantCulture), "--rounds", Rounds.ToString(CultureInfo.InvariantCulture),
            "--ledger", ledger, "--counter", counter)).ToList();
        try
        {
            foreach (var host in hosts)
            {
                await host.ExpectLineAsync("ready");
            }

            foreach (var host in hosts)
            {
                await host.WriteLineAsync("go");
            }

            foreach (var host in hosts)
            {
                await host.ExpectLineAsync("done");
                Assert.Equal(0, await host.WaitForExitAsync());
            }
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.DisposeAsync();
            }
        }

        const int Total = Processes * WorkersPerProcess * Rounds;
        var entries = (await File.ReadAllLinesAsync(ledger, TestContext.Current.CancellationToken)).Select(LedgerEntry.Parse).ToList();
        // The counter was read and written back inside the lock without any other guard: an overlap loses a count.
        Assert.Equal(Total.ToString(CultureInfo.InvariantCulture), await File.ReadAllTextAsync(counter, TestContext.Current.CancellationToken));
        Assert.Equal(Total, entries.Count);
        Assert.All(entries.Zip(entries.Skip(1)), pair => Assert.True(pair.Second.Fence > pair.First.Fence, $"fence {pair.Second.Fence} after {pair.First.Fence}"));
        // Each hold began after the one before it ended: the monotonic clock is shared by every process of the host.
        Assert.All(entries.Zip(entries.Skip(1)), pair => Assert.True(pair.Second.Acquired > pair.First.Releasing, "two holds overlapped in time"));
        Assert.Equal(Processes, entries.Select(entry => entry.Process).Distinct().Count());

        // Hand-off: from the moment a holder starts to release to the moment the next holder has the lock. A logged
        // figure only; speed is not asserted in a unit test on a shared machine.
        var handoffs = entries.Zip(entries.Skip(1), (previous, next) => Stopwatch.GetElapsedTime(previous.Releasing, next.Acquired).TotalMilliseconds).Order().ToList();
        var crossProcess = entries.Zip(entries.Skip(1)).Count(pair => pair.First.Process != pair.Second.Process);
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"SQLite hand-off, {Processes} processes x {WorkersPerProcess} workers, one posting, {Total} holds ({crossProcess} passed to another process): "
                + $"p50 {Percentile(handoffs, 0.50):F2} ms, p90 {Percentile(handoffs, 0.90):F2} ms, p99 {Percentile(handoffs, 0.99):F2} ms, max {handoffs[^1]:F2} ms"));
    }

    [Fact(Timeout = 120_000)]
    public async Task A_holder_killed_with_SIGKILL_blocks_its_posting_for_at_most_its_TTL()
    {
        const int TtlMs = 3000;
        await using var holder = TestHostProcess.Start("hold", "--db", _database.Path, "--marketplace", _marketplace, "--posting", "crashed", "--ttl-ms", TtlMs.ToString(CultureInfo.InvariantCulture));
        var held = (await holder.ReadLineAsync()).Split(' ');
        Assert.Equal("held", held[0]);
        var killedFence = long.Parse(held[1], CultureInfo.InvariantCulture);
        await using var survivor = new SqliteBidLockManager(_database.Path);
        Assert.Null(await survivor.TryAcquireAsync(_marketplace, "crashed", TimeSpan.Zero, TestContext.Current.CancellationToken));

        await holder.KillAsync();
        var killedAt = DateTimeOffset.UtcNow;
        await using var lease = await survivor.AcquireAsync(_marketplace, "crashed", TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        var waited = DateTimeOffset.UtcNow - killedAt;

        // The dead holder's last renewal set its expiry at most one TTL ahead, so the wait is at most about one TTL.
        Assert.True(lease.FencingToken > killedFence);
        // The margin is for a loaded machine; a holder that did not expire would block for the 300 s hold cap.
        Assert.True(waited < TimeSpan.FromMilliseconds(TtlMs) + TimeSpan.FromSeconds(5), $"waited {waited}");
        output.WriteLine($"Acquired {waited.TotalMilliseconds:F0} ms after the holder was killed (TTL {TtlMs} ms).");
    }

    [Fact(Timeout = 120_000)]
    public async Task An_uncontended_acquire_and_release_costs_microseconds()
    {
        await using var manager = await SqliteBidLockManager.OpenAsync(_database.Path, cancellationToken: TestContext.Current.CancellationToken);
        const int Warmup = 200, Rounds = 2000;
        for (var i = 0; i < Warmup; i++)
        {
            await using var lease = await manager.AcquireAsync(_marketplace, "warm", cancellationToken: TestContext.Current.CancellationToken);
        }

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < Rounds; i++)
        {
            await using var lease = await manager.AcquireAsync(_marketplace, $"posting-{i % 16}", cancellationToken: TestContext.Current.CancellationToken);
        }

        // A logged figure only, as for the hand-off.
        Assert.Equal(Warmup + Rounds, manager.GetMetrics().LockSuccesses);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"SQLite uncontended acquire + release: {clock.Elapsed.TotalMicroseconds / Rounds:F0} µs per lock ({Rounds} locks)"));
    }

    public void Dispose() => _database.Dispose();

    private static double Percentile(List<double> sorted, double fraction) => sorted[Math.Min(sorted.Count - 1, (int)(fraction * sorted.Count))];

    private sealed record LedgerEntry(long Fence, int Process, long Acquired, long Releasing)
    {
        public static LedgerEntry Parse(string line)
        {
            var parts = line.Split(' ');
            return new LedgerEntry(
                long.Parse(parts[0], CultureInfo.InvariantCulture),
                int.Parse(parts[1], CultureInfo.InvariantCulture),
                long.Parse(parts[3], CultureInfo.InvariantCulture),
                long.Parse(parts[4], CultureInfo.InvariantCulture));
        }
    }
}
