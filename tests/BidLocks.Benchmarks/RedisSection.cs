using BidLocks.Benchmarks.Contenders;
using BidLocks.Tests.Redis;
using StackExchange.Redis;

namespace BidLocks.Benchmarks;

/// <summary>
/// The Redis part: one loopback redis-server started here (no persistence), every contender on a multiplexer of its
/// own, interleaved rounds; around each throughput run the server is read, so its work per cycle is reported too.
/// </summary>
internal static class RedisSection
{
    public const int ManyWorkers = 64, HandOffWorkers = 16;

    public static async Task RunAsync(BenchmarkArguments arguments)
    {
        await using var server = await RedisServerProcess.StartAsync();
        Console.Error.WriteLine($"redis-server on 127.0.0.1:{server.Port}");
        await using var meter = await RedisServerMeter.ConnectAsync(server.Port);

        async Task<ConnectionMultiplexer> Connect() => await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{server.Port}");
        async Task<RedisBidLockManager> Manager() => await RedisBidLockManager.ConnectAsync(new BidLockOptions { RedisUrl = server.Url });

        var contenders = new List<Contender>
        {
            new RawRedisContender(await Connect()),
            new LuaStepsContender(await Connect()),
            new BidLocksContender("RedisBidLockManager", [await Manager()]),
            new BidLocksContender("RedisBidLockManager, no fence", [await Manager()], skipFence: true),
            new GeneratedContender(await Manager()),
            new DistributedLockContender(await Connect()),
            new RedLockContender(await Connect()),
        };
        var twoInstances = new BidLocksContender("RedisBidLockManager, 2 instances", [await Manager(), await Manager()]);
        var waiting = contenders.Where(c => c.CanWait).Append(twoInstances).ToList();
        // Throughput per key pattern; the hand-off figures (one shared key) are kept in the first pattern's.
        var throughput = arguments.KeyPatterns.ToDictionary(pattern => pattern, _ => new RedisFigures(contenders, waiting));
        var handOffFigures = throughput[arguments.KeyPatterns[0]];

        for (var round = 0; round <= arguments.Rounds; round++)
        {
            var duration = arguments.ThroughputDuration(round);
            foreach (var contender in Rotation.ForRound(contenders, round))
            foreach (var pattern in arguments.KeyPatterns)
            {
                var (one, oneServer) = await MeasuredRunAsync(meter, contender, 1, duration, pattern);
                var (many, manyServer) = await MeasuredRunAsync(meter, contender, ManyWorkers, duration, pattern);
                Console.Error.WriteLine(Invariant.Format(
                    $"round {round} {pattern} {contender.Name}: 1 worker {one.CyclesPerSecond:F0}/s {one.BytesPerCycle:F0} B {oneServer.CommandMicroseconds:F2}/{oneServer.MainThreadCpuMicroseconds:F2} server µs, {ManyWorkers} workers {many.CyclesPerSecond:F0}/s {manyServer.CommandMicroseconds:F2}/{manyServer.MainThreadCpuMicroseconds:F2} server µs"));
                if (round > 0)
                {
                    var of = throughput[pattern];
                    of.Cycles1[contender].Add(one.CyclesPerSecond);
                    of.Bytes[contender].Add(one.BytesPerCycle);
                    of.CyclesMany[contender].Add(many.CyclesPerSecond);
                    of.CommandUs1[contender].Add(oneServer.CommandMicroseconds);
                    of.CpuUs1[contender].Add(oneServer.MainThreadCpuMicroseconds);
                    of.CommandUsMany[contender].Add(manyServer.CommandMicroseconds);
                    of.CpuUsMany[contender].Add(manyServer.MainThreadCpuMicroseconds);
                }
            }

            foreach (var contender in Rotation.ForRound(waiting, round))
            {
                var result = await HandOffRun.RunAsync(contender, HandOffWorkers, arguments.HandOffDuration(round), arguments.Hold, $"handoff-{round}");
                Console.Error.WriteLine(Invariant.Format($"round {round} {contender.Name}: hand-off p50 {Stats.Percentile(result.LatenciesMs, 0.5):F3} ms p99 {Stats.Percentile(result.LatenciesMs, 0.99):F3} ms {result.HandOffsPerSecond:F0}/s min {result.MinPerWorker} max {result.MaxPerWorker} overlaps {result.Overlaps}"));
                if (round > 0)
                {
                    handOffFigures.P50[contender].Add(Stats.Percentile(result.LatenciesMs, 0.5));
                    handOffFigures.P99[contender].Add(Stats.Percentile(result.LatenciesMs, 0.99));
                    handOffFigures.HandOffRate[contender].Add(result.HandOffsPerSecond);
                    handOffFigures.MinPerWorker[contender].Add(result.MinPerWorker);
                    handOffFigures.MaxPerWorker[contender].Add(result.MaxPerWorker);
                    handOffFigures.Fairness[contender].Add(result.MaxPerWorker == 0 ? 0 : (double)result.MinPerWorker / result.MaxPerWorker);
                    handOffFigures.Overlaps[contender] += result.Overlaps;
                }
            }
        }

        RedisReport.Print(arguments, meter.Version, contenders, waiting, throughput, handOffFigures);
        foreach (var contender in contenders.Append(twoInstances))
        {
            await contender.DisposeAsync();
        }
    }

    /// <summary>One throughput run with the server read just before and just after it.</summary>
    private static async Task<(ThroughputRun.Result Run, (double CommandMicroseconds, double MainThreadCpuMicroseconds) Server)> MeasuredRunAsync(
        RedisServerMeter meter, Contender contender, int workers, TimeSpan duration, KeyPattern pattern)
    {
        GC.Collect();
        var before = await meter.ReadAsync();
        var run = await ThroughputRun.RunAsync(contender, workers, duration, pattern);
        var after = await meter.ReadAsync();
        return (run, after.PerCycleSince(before, run.Cycles));
    }
}
