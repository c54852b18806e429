using System.Diagnostics;
using BidLocks.Benchmarks.Contenders;

namespace BidLocks.Benchmarks;

/// <summary>
/// Forced hand-off: every worker wants one key; a worker that releases waits until another worker holds the lock
/// before it asks again, so every acquisition is a hand-off from one worker to another. Each holder keeps the lock
/// for <c>hold</c> (1 ms by default): with an empty body the worker woken by the new holder would race that
/// holder's release and two workers would ping-pong while the rest never waited at all. Latency is from the
/// releaser's release call to the next holder's acquire returning.
/// </summary>
internal static class HandOffRun
{
    /// <param name="Overlaps">Times a worker got the lock while another still held it: any is a broken lock.</param>
    public sealed record Result(List<double> LatenciesMs, double HandOffsPerSecond, long MinPerWorker, long MaxPerWorker, long Overlaps);

    public static async Task<Result> RunAsync(Contender contender, int workers, TimeSpan duration, TimeSpan hold, string key)
    {
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var acquisitions = new long[workers];
        var latencies = new List<double>();
        long releasedAt = 0;
        long handOffs = 0;
        var holders = 0;
        long overlaps = 0;
        var nextHolder = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var clock = Stopwatch.StartNew();

        var tasks = Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
        {
            while (!stopped.Task.IsCompleted)
            {
                var release = await contender.HoldAsync(worker, key);
                var acquiredAt = Stopwatch.GetTimestamp();
                if (Interlocked.Increment(ref holders) != 1)
                {
                    Interlocked.Increment(ref overlaps);
                }

                // Only the holder touches these, so the lock under test is what keeps them consistent.
                var previous = releasedAt;
                var counting = !stopped.Task.IsCompleted;
                if (counting)
                {
                    acquisitions[worker]++;
                    if (previous != 0)
                    {
                        latencies.Add(Stopwatch.GetElapsedTime(previous, acquiredAt).TotalMilliseconds);
                        handOffs++;
                    }
                }

                Interlocked.Exchange(ref nextHolder, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
                var someoneElse = Volatile.Read(ref nextHolder).Task;
                if (hold > TimeSpan.Zero)
                {
                    await Task.Delay(hold);
                }

                Interlocked.Decrement(ref holders);
                releasedAt = Stopwatch.GetTimestamp();
                await release();
                await Task.WhenAny(someoneElse, stopped.Task);
            }
        })).ToArray();

        await Task.Delay(duration);
        var elapsed = clock.Elapsed;
        stopped.TrySetResult();
        await Task.WhenAll(tasks);
        latencies.Sort();
        return new Result(latencies, Interlocked.Read(ref handOffs) / elapsed.TotalSeconds, acquisitions.Min(), acquisitions.Max(), Interlocked.Read(ref overlaps));
    }
}
