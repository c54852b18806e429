using System.Diagnostics;
using BidLocks.Tests.Redis;
using StackExchange.Redis;

namespace BidLocks.Benchmarks;

/// <summary>
/// <c>--profile</c>: where one uncontended acquire+release goes. One worker runs the manager's own steps
/// one by one (the key, the holder id, the store's first try and release) beside the whole manager call and raw
/// StackExchange.Redis, and each step is bracketed by <see cref="GC.GetTotalAllocatedBytes"/> (every thread's, so
/// the client's reader thread counts) and a stopwatch. Rounds are interleaved; each figure is the median per call.
/// </summary>
internal static class StepProfile
{
    private const int CallsPerRound = 4000;
    private const int SampledCycles = 40_000;
    private const string Marketplace = "bench";
    private const string RawRelease = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(30);

    private static readonly string[] Steps =
    [
        "key: BidLockKeyCache.Get",
        "holder id: HolderIds.New",
        "first try: RedisLockStore.TryAcquireAsync (EVALSHA, fenced)",
        "release: RedisLockStore.ReleaseAsync (EVALSHA)",
        "whole: manager AcquireAsync (fenced)",
        "whole: lease DisposeAsync",
        "raw: SET NX PX (with its Guid token)",
        "raw: compare-and-delete script",
    ];

    public static async Task RunAsync(BenchmarkArguments arguments)
    {
        await using var server = await RedisServerProcess.StartAsync();
        var options = new BidLockOptions { RedisUrl = server.Url };
        await using var manager = await RedisBidLockManager.ConnectAsync(options);
        await using var connection = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{server.Port}");
        await using var store = new RedisLockStore(connection, options, ownsConnection: false);
        var database = connection.GetDatabase();
        var figures = new Dictionary<(KeyPattern, int), (Stats Bytes, Stats Microseconds)>();
        foreach (var pattern in arguments.KeyPatterns)
        {
            for (var step = 0; step < Steps.Length; step++)
            {
                figures[(pattern, step)] = (new Stats(), new Stats());
            }
        }

        for (var round = 0; round <= arguments.Rounds; round++)
        {
            foreach (var pattern in arguments.KeyPatterns)
            {
                var totals = new (long Bytes, long Ticks)[Steps.Length];
                var keys = new BidLockKeyCache(options.KeyPrefix);
                for (var call = 0; call < CallsPerRound; call++)
                {
                    var posting = pattern == KeyPattern.Fixed ? "posting-0" : $"posting-{round}-{call}";
                    var key = Measure(ref totals[0], () => keys.Get(Marketplace, posting));
                    var holder = Measure(ref totals[1], () => HolderIds.New(HolderIds.DefaultInstanceId));
                    var attempt = await MeasureAsync(totals, 2, () => store.TryAcquireAsync(key, holder, attemptId: null, Ttl, skipFencingToken: false, CancellationToken.None).AsTask());
                    if (!attempt.Acquired)
                    {
                        throw new InvalidOperationException("The profile's own key was taken.");
                    }

                    await MeasureAsync(totals, 3, () => store.ReleaseAsync(key, holder, CancellationToken.None).AsTask());
                    var lease = await MeasureAsync(totals, 4, () => manager.AcquireAsync(Marketplace, posting).AsTask());
                    await MeasureAsync(totals, 5, async () => { await lease.DisposeAsync(); return 0; });
                    RedisKey rawKey = $"raw:{{{Marketplace}:{posting}}}";
                    var token = Guid.NewGuid().ToString("N");
                    await MeasureAsync(totals, 6, () => database.StringSetAsync(rawKey, token, Ttl, When.NotExists));
                    await MeasureAsync(totals, 7, () => database.ScriptEvaluateAsync(RawRelease, [rawKey], [token]));
                }

                Console.Error.WriteLine($"profile round {round} {pattern} done");
                if (round == 0)
                {
                    continue; // warm-up
                }

                for (var step = 0; step < Steps.Length; step++)
                {
                    figures[(pattern, step)].Bytes.Add((double)totals[step].Bytes / CallsPerRound);
                    figures[(pattern, step)].Microseconds.Add(Stopwatch.GetElapsedTime(0, totals[step].Ticks).TotalMicroseconds / CallsPerRound);
                }
            }
        }

        Console.WriteLine(Invariant.Format($"One worker, {CallsPerRound} calls per step per round, {arguments.Rounds} rounds after a warm-up, median (min–max) per call; StackExchange.Redis {RedisReport.ClientVersion}."));
        Console.WriteLine();
        var header = string.Join(" | ", arguments.KeyPatterns.Select(pattern => $"bytes, {pattern} | µs, {pattern}"));
        Console.WriteLine($"| step | {header} |");
        Console.WriteLine("|---|" + string.Concat(arguments.KeyPatterns.Select(_ => "---|---|")));
        for (var step = 0; step < Steps.Length; step++)
        {
            var cells = string.Join(" | ", arguments.KeyPatterns.Select(pattern => $"{figures[(pattern, step)].Bytes.Format("F0")} | {figures[(pattern, step)].Microseconds.Format("F1")}"));
            Console.WriteLine($"| {Steps[step]} | {cells} |");
        }

        await PrintAllocationsByTypeAsync(manager);
    }

    /// <summary>Which types the bytes of the default fenced acquire+release on new postings are, by sampling.</summary>
    private static async Task PrintAllocationsByTypeAsync(RedisBidLockManager manager)
    {
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        using (var sampler = new AllocationSampler())
        {
            for (var call = 0; call < SampledCycles; call++)
            {
                await using var lease = await manager.AcquireAsync(Marketplace, $"sampled-{call}");
            }

            var perCycle = (double)(GC.GetTotalAllocatedBytes(precise: true) - allocated) / SampledCycles;
            Console.WriteLine();
            Console.WriteLine(Invariant.Format($"Allocations by type, default fenced AcquireAsync + DisposeAsync on {SampledCycles} new postings ({perCycle:F0} B a cycle, the posting's own string included), from the runtime's allocation samples:"));
            Console.WriteLine();
            Console.WriteLine("| type | share | ≈ B/cycle |");
            Console.WriteLine("|---|---|---|");
            foreach (var (type, share) in sampler.Shares().Where(type => type.Share >= 0.01))
            {
                // Double backticks: generic type names contain one.
                Console.WriteLine(Invariant.Format($"| `` {type} `` | {share:P0} | {share * perCycle:F0} |"));
            }
        }
    }

    private static T Measure<T>(ref (long Bytes, long Ticks) total, Func<T> step)
    {
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var start = Stopwatch.GetTimestamp();
        var result = step();
        var ticks = Stopwatch.GetTimestamp() - start;
        total.Bytes += GC.GetTotalAllocatedBytes(precise: true) - allocated;
        total.Ticks += ticks;
        return result;
    }

    private static async Task<T> MeasureAsync<T>((long Bytes, long Ticks)[] totals, int step, Func<Task<T>> call)
    {
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var start = Stopwatch.GetTimestamp();
        var result = await call();
        var ticks = Stopwatch.GetTimestamp() - start;
        totals[step].Bytes += GC.GetTotalAllocatedBytes(precise: true) - allocated;
        totals[step].Ticks += ticks;
        return result;
    }
}
