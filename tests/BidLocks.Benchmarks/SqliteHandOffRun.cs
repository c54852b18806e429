using System.Diagnostics;
using System.Globalization;

namespace BidLocks.Benchmarks;

/// <summary>
/// SQLite hand-off across processes, measured exactly as SqliteProcessTests.Sixteen_workers_in_four_processes… does:
/// four tests/BidLocks.TestHost processes in <c>contend</c> mode, four workers each, all on one posting of one fresh
/// file. Each holder writes a ledger line (fence, pid, worker, acquired, releasing; Stopwatch timestamps of the
/// host's monotonic clock, which every process shares) while it holds the lock, so line order is hold order. Hand-off
/// is from one holder's "releasing" stamp to the next holder's "acquired": it includes the ledger append and the
/// release, then the next acquire.
/// </summary>
internal static class SqliteHandOffRun
{
    public const int Processes = 4, WorkersPerProcess = 4;

    /// <param name="LatenciesMs">Every hand-off, sorted.</param>
    /// <param name="CrossProcess">Hand-offs that went to another process.</param>
    /// <param name="Overlaps">Holds that began before the previous one ended, plus counter increments lost: any is a broken lock.</param>
    public sealed record Result(List<double> LatenciesMs, int Holds, int CrossProcess, long Overlaps);

    public static async Task<Result> RunAsync(string folder, string name, int roundsPerWorker)
    {
        var database = Path.Combine(folder, $"{name}.db");
        var ledger = Path.Combine(folder, $"{name}.ledger");
        var counter = Path.Combine(folder, $"{name}.counter");
        await File.WriteAllTextAsync(counter, "0");
        await File.WriteAllTextAsync(ledger, string.Empty);

        var hosts = Enumerable.Range(0, Processes).Select(_ => TestHostChild.Start(
            "contend", "--db", database, "--marketplace", "bench", "--posting", "contended",
            "--workers", WorkersPerProcess.ToString(CultureInfo.InvariantCulture), "--rounds", roundsPerWorker.ToString(CultureInfo.InvariantCulture),
            "--ledger", ledger, "--counter", counter)).ToList();
        try
        {
            // Every process opens the file and says "ready" before any worker starts, so all sixteen really contend.
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
                if (await host.WaitForExitAsync() != 0)
                {
                    throw new InvalidOperationException("A test host failed.");
                }
            }
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.DisposeAsync();
            }
        }

        var entries = (await File.ReadAllLinesAsync(ledger)).Select(Entry.Parse).ToList();
        var pairs = entries.Zip(entries.Skip(1)).ToList();
        var latencies = pairs.Select(pair => Stopwatch.GetElapsedTime(pair.First.Releasing, pair.Second.Acquired).TotalMilliseconds).Order().ToList();
        var lost = (long)entries.Count - long.Parse(await File.ReadAllTextAsync(counter), CultureInfo.InvariantCulture);
        var overlapping = pairs.Count(pair => pair.Second.Acquired <= pair.First.Releasing || pair.Second.Fence <= pair.First.Fence);
        return new Result(latencies, entries.Count, pairs.Count(pair => pair.First.Process != pair.Second.Process), lost + overlapping);
    }

    /// <summary>A ledger line of TestHost's contend mode: "fence pid worker acquired releasing".</summary>
    private sealed record Entry(long Fence, int Process, long Acquired, long Releasing)
    {
        public static Entry Parse(string line)
        {
            var parts = line.Split(' ');
            return new Entry(
                long.Parse(parts[0], CultureInfo.InvariantCulture),
                int.Parse(parts[1], CultureInfo.InvariantCulture),
                long.Parse(parts[3], CultureInfo.InvariantCulture),
                long.Parse(parts[4], CultureInfo.InvariantCulture));
        }
    }
}
