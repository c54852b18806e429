using BidLocks.Benchmarks.Contenders;

namespace BidLocks.Benchmarks;

/// <summary>
/// The SQLite part: raw Microsoft.Data.Sqlite beside <see cref="SqliteBidLockManager"/>, each on its own WAL file in
/// one temp folder, in interleaved rounds at 1 and 16 workers; then hand-off across four processes.
/// </summary>
internal static class SqliteSection
{
    public const int ManyWorkers = 16;

    public static async Task RunAsync(BenchmarkArguments arguments)
    {
        // Both contenders block a thread-pool thread per worker inside SQLite (a step, or its busy wait); without
        // enough threads up front, the pool's slow thread injection would be measured instead of the lock.
        ThreadPool.GetMinThreads(out var workerThreads, out var ioThreads);
        ThreadPool.SetMinThreads(Math.Max(workerThreads, (ManyWorkers * 2) + 4), ioThreads);

        var folder = Directory.CreateTempSubdirectory("bidlocks-bench-").FullName;
        Console.Error.WriteLine($"SQLite files in {folder}");
        try
        {
            var contenders = new List<Contender>
            {
                new RawSqliteContender(Path.Combine(folder, "raw.db"), ManyWorkers),
                new SqliteBidLocksContender(await SqliteBidLockManager.OpenAsync(Path.Combine(folder, "manager.db"))),
            };
            var figures = new SqliteFigures(contenders);
            for (var round = 0; round <= arguments.Rounds; round++)
            {
                var duration = arguments.ThroughputDuration(round);
                foreach (var contender in Rotation.ForRound(contenders, round))
                {
                    GC.Collect();
                    var one = await ThroughputRun.RunAsync(contender, 1, duration, KeyPattern.Fixed);
                    GC.Collect();
                    var many = await ThroughputRun.RunAsync(contender, ManyWorkers, duration, KeyPattern.Fixed);
                    Console.Error.WriteLine(Invariant.Format($"round {round} {contender.Name}: 1 worker {one.CyclesPerSecond:F0}/s {one.BytesPerCycle:F0} B, {ManyWorkers} workers {many.CyclesPerSecond:F0}/s"));
                    if (round > 0)
                    {
                        figures.Cycles1[contender].Add(one.CyclesPerSecond);
                        figures.Bytes[contender].Add(one.BytesPerCycle);
                        figures.CyclesMany[contender].Add(many.CyclesPerSecond);
                    }
                }
            }

            foreach (var contender in contenders)
            {
                await contender.DisposeAsync();
            }

            // Every hand-off run starts fresh processes on a fresh file: nothing carries over, so no warm-up round.
            for (var round = 1; round <= arguments.Rounds; round++)
            {
                var result = await SqliteHandOffRun.RunAsync(folder, $"handoff-{round}", arguments.SqliteHandOffRounds);
                Console.Error.WriteLine(Invariant.Format($"round {round} SQLite hand-off: {result.Holds} holds, {result.CrossProcess} to another process, p50 {Stats.Percentile(result.LatenciesMs, 0.5):F3} ms p90 {Stats.Percentile(result.LatenciesMs, 0.9):F3} ms p99 {Stats.Percentile(result.LatenciesMs, 0.99):F3} ms overlaps {result.Overlaps}"));
                figures.HandOff.Add(result);
            }

            SqliteReport.Print(arguments, contenders, figures);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
