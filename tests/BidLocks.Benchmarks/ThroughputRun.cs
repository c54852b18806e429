using System.Diagnostics;
using BidLocks.Benchmarks.Contenders;

namespace BidLocks.Benchmarks;

/// <summary>Uncontended acquire+release cycles, each worker on keys nobody else uses, for a fixed time.</summary>
internal static class ThroughputRun
{
    /// <param name="Cycles">Completed cycles: what per-cycle server figures are divided by.</param>
    /// <param name="BytesPerCycle">Bytes allocated per cycle by the whole process (every thread).</param>
    public readonly record struct Result(long Cycles, double CyclesPerSecond, double BytesPerCycle);

    private static int s_runs;

    public static async Task<Result> RunAsync(Contender contender, int workers, TimeSpan duration, KeyPattern pattern)
    {
        // Distinct postings are unique across runs too, so that no cache anywhere has seen one before.
        var run = Interlocked.Increment(ref s_runs);
        var stop = 0;
        long cycles = 0;
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        var tasks = Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
        {
            long mine = 0;
            var own = Contender.Posting(worker);
            while (Volatile.Read(ref stop) == 0)
            {
                // Formatting the new posting is the caller's cost, the same for every contender.
                await contender.CycleAsync(worker, pattern == KeyPattern.Fixed ? own : $"posting-{run}-{worker}-{mine}");
                mine++;
            }

            Interlocked.Add(ref cycles, mine);
        })).ToArray();

        await Task.Delay(duration);
        Volatile.Write(ref stop, 1);
        await Task.WhenAll(tasks);
        var elapsed = clock.Elapsed;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        return new Result(cycles, cycles / elapsed.TotalSeconds, (double)allocated / cycles);
    }
}
