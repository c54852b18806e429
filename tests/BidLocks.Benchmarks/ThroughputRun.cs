using System.Diagnostics;
using BidLocks.Benchmarks.Contenders;

namespace BidLocks.Benchmarks;

/// <summary>Uncontended acquire+release cycles: each worker on its own key, for a fixed time.</summary>
internal static class ThroughputRun
{
    /// <summary>Cycles per second, and bytes allocated per cycle by the whole process (every thread).</summary>
    public static async Task<(double CyclesPerSecond, double BytesPerCycle)> RunAsync(Contender contender, int workers, TimeSpan duration)
    {
        var stop = 0;
        long cycles = 0;
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        var tasks = Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
        {
            long mine = 0;
            while (Volatile.Read(ref stop) == 0)
            {
                await contender.CycleAsync(worker);
                mine++;
            }

            Interlocked.Add(ref cycles, mine);
        })).ToArray();

        await Task.Delay(duration);
        Volatile.Write(ref stop, 1);
        await Task.WhenAll(tasks);
        var elapsed = clock.Elapsed;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        return (cycles / elapsed.TotalSeconds, (double)allocated / cycles);
    }
}
