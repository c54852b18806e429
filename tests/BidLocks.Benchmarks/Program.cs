using System.Globalization;
using System.Runtime.InteropServices;
using BidLocks;
using BidLocks.Benchmarks;
using BidLocks.Benchmarks.Contenders;
using BidLocks.Tests.Redis;
using StackExchange.Redis;

// Side-by-side Redis lock benchmark (docs/benchmarks.md). Starts its own loopback redis-server, runs every contender
// in interleaved rounds, and prints each figure as the median of the rounds with their range.
//   dotnet run -c Release --project tests/BidLocks.Benchmarks -- [--rounds 3] [--seconds 1.5] [--handoff-seconds 2] [--hold-ms 1]
var rounds = IntArgument("--rounds", 3);
var seconds = DoubleArgument("--seconds", 1.5);
var handOffSeconds = DoubleArgument("--handoff-seconds", 2);
var hold = TimeSpan.FromMilliseconds(DoubleArgument("--hold-ms", 1));
const int ManyWorkers = 64, HandOffWorkers = 16;

await using var server = await RedisServerProcess.StartAsync();
Console.Error.WriteLine($"redis-server on 127.0.0.1:{server.Port}");

async Task<ConnectionMultiplexer> Connect() => await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{server.Port}");
async Task<RedisBidLockManager> Manager() => await RedisBidLockManager.ConnectAsync(new BidLockOptions { RedisUrl = server.Url });

var contenders = new List<Contender>
{
    new RawRedisContender(await Connect()),
    new LuaStepsContender(await Connect()),
    new BidLocksContender("RedisBidLockManager", [await Manager()]),
    new GeneratedContender(await Manager()),
    new DistributedLockContender(await Connect()),
    new RedLockContender(await Connect()),
};
var twoInstances = new BidLocksContender("RedisBidLockManager, 2 instances", [await Manager(), await Manager()]);

var cycles1 = contenders.ToDictionary(c => c, _ => new Stats());
var cycles64 = contenders.ToDictionary(c => c, _ => new Stats());
var bytes = contenders.ToDictionary(c => c, _ => new Stats());
var waiting = contenders.Where(c => c.CanWait).Append(twoInstances).ToList();
var p50 = waiting.ToDictionary(c => c, _ => new Stats());
var p99 = waiting.ToDictionary(c => c, _ => new Stats());
var handOffRate = waiting.ToDictionary(c => c, _ => new Stats());
var minPerWorker = waiting.ToDictionary(c => c, _ => new Stats());
var maxPerWorker = waiting.ToDictionary(c => c, _ => new Stats());
var fairness = waiting.ToDictionary(c => c, _ => new Stats());
var overlaps = waiting.ToDictionary(c => c, _ => 0L);

// Round 0 warms up (JIT, tiering, connections, script cache) and is not counted.
for (var round = 0; round <= rounds; round++)
{
    var duration = TimeSpan.FromSeconds(round == 0 ? Math.Min(0.5, seconds) : seconds);
    // Each round starts with a different contender, so none always runs first (or last) on a warm machine.
    foreach (var contender in contenders.Skip(round % contenders.Count).Concat(contenders.Take(round % contenders.Count)))
    {
        GC.Collect();
        var one = await ThroughputRun.RunAsync(contender, 1, duration);
        GC.Collect();
        var many = await ThroughputRun.RunAsync(contender, ManyWorkers, duration);
        Console.Error.WriteLine($"round {round} {contender.Name}: 1 worker {one.CyclesPerSecond:F0}/s {one.BytesPerCycle:F0} B, {ManyWorkers} workers {many.CyclesPerSecond:F0}/s");
        if (round > 0)
        {
            cycles1[contender].Add(one.CyclesPerSecond);
            bytes[contender].Add(one.BytesPerCycle);
            cycles64[contender].Add(many.CyclesPerSecond);
        }
    }

    var handOffDuration = TimeSpan.FromSeconds(round == 0 ? Math.Min(0.5, handOffSeconds) : handOffSeconds);
    foreach (var contender in waiting.Skip(round % waiting.Count).Concat(waiting.Take(round % waiting.Count)))
    {
        var result = await HandOffRun.RunAsync(contender, HandOffWorkers, handOffDuration, hold, $"handoff-{round}");
        Console.Error.WriteLine($"round {round} {contender.Name}: hand-off p50 {Stats.Percentile(result.LatenciesMs, 0.5):F3} ms p99 {Stats.Percentile(result.LatenciesMs, 0.99):F3} ms {result.HandOffsPerSecond:F0}/s min {result.MinPerWorker} max {result.MaxPerWorker} overlaps {result.Overlaps}");
        if (round > 0)
        {
            p50[contender].Add(Stats.Percentile(result.LatenciesMs, 0.5));
            p99[contender].Add(Stats.Percentile(result.LatenciesMs, 0.99));
            handOffRate[contender].Add(result.HandOffsPerSecond);
            minPerWorker[contender].Add(result.MinPerWorker);
            maxPerWorker[contender].Add(result.MaxPerWorker);
            fairness[contender].Add(result.MaxPerWorker == 0 ? 0 : (double)result.MinPerWorker / result.MaxPerWorker);
            overlaps[contender] += result.Overlaps;
        }
    }
}

var raw = contenders[0];
// Ratios are taken round by round (same round, same machine state) and then their median.
string Ratio(Dictionary<Contender, Stats> figure, Contender contender) => figure[contender].RatioTo(figure[raw]).Format("F2");

Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, redis-server {await RedisVersion()} on loopback; {rounds} rounds of {seconds} s (hand-off {handOffSeconds} s), median (min–max).");
Console.WriteLine();
Console.WriteLine("| contender | cycles/s, 1 worker | × raw | cycles/s, 64 workers | × raw | bytes/cycle | × raw |");
Console.WriteLine("|---|---|---|---|---|---|---|");
foreach (var contender in contenders)
{
    Console.WriteLine($"| {contender.Name} | {cycles1[contender].Format("F0")} | {Ratio(cycles1, contender)} | {cycles64[contender].Format("F0")} | {Ratio(cycles64, contender)} | {bytes[contender].Format("F0")} | {Ratio(bytes, contender)} |");
}

var bare = contenders.OfType<BidLocksContender>().First();
var generated = contenders.OfType<GeneratedContender>().First();
Console.WriteLine();
Console.WriteLine($"Generated method ÷ bare manager, round by round: 1 worker {cycles1[generated].RatioTo(cycles1[bare]).Format("F2")}, {ManyWorkers} workers {cycles64[generated].RatioTo(cycles64[bare]).Format("F2")}.");
Console.WriteLine();
Console.WriteLine($"Forced hand-off, {HandOffWorkers} workers on one key, each holding it {hold.TotalMilliseconds} ms:");
Console.WriteLine();
Console.WriteLine("| contender | p50 ms | p99 ms | hand-offs/s | min per worker | max per worker | min/max | overlaps |");
Console.WriteLine("|---|---|---|---|---|---|---|---|");
foreach (var contender in contenders.Where(c => !c.CanWait))
{
    Console.WriteLine($"| {contender.Name} | n/a (cannot wait) | | | | | | |");
}

foreach (var contender in waiting)
{
    Console.WriteLine($"| {contender.Name} | {p50[contender].Format("F3")} | {p99[contender].Format("F3")} | {handOffRate[contender].Format("F0")} | {minPerWorker[contender].Format("F0")} | {maxPerWorker[contender].Format("F0")} | {fairness[contender].Format("F2")} | {overlaps[contender]} |");
}

foreach (var contender in contenders.Append(twoInstances))
{
    await contender.DisposeAsync();
}

async Task<string> RedisVersion()
{
    await using var connection = await Connect();
    return connection.GetServer(connection.GetEndPoints()[0]).Version.ToString();
}

int IntArgument(string name, int fallback) => int.Parse(Argument(name) ?? fallback.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

double DoubleArgument(string name, double fallback) => double.Parse(Argument(name) ?? fallback.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

string? Argument(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
