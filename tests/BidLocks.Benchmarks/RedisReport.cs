using System.Reflection;
using System.Runtime.InteropServices;
using BidLocks.Benchmarks.Contenders;

namespace BidLocks.Benchmarks;

/// <summary>Prints the Redis section's tables (markdown, as docs/benchmarks.md shows them).</summary>
internal static class RedisReport
{
    public static void Print(BenchmarkArguments arguments, string redisVersion, IReadOnlyList<Contender> contenders, IReadOnlyList<Contender> waiting, IReadOnlyDictionary<KeyPattern, RedisFigures> throughput, RedisFigures handOff)
    {
        Console.WriteLine(Invariant.Format($"Machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, redis-server {redisVersion} on loopback, StackExchange.Redis {ClientVersion}; {arguments.Rounds} rounds of {arguments.Seconds} s (hand-off {arguments.HandOffSeconds} s), median (min–max)."));
        foreach (var (pattern, figures) in throughput)
        {
            Console.WriteLine();
            Console.WriteLine(pattern == KeyPattern.Fixed
                ? "Fixed postings (each worker locks its own posting every cycle):"
                : "Distinct postings (every cycle locks a posting never locked before, as a bidding service does):");
            PrintThroughput(contenders, figures);
        }

        PrintHandOff(arguments, contenders, waiting, handOff);
    }

    // The package's version (the assembly version stays at the major, 2.0.0 or 3.0.0), without its commit hash.
    public static string ClientVersion => typeof(StackExchange.Redis.ConnectionMultiplexer).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "?";

    private static void PrintThroughput(IReadOnlyList<Contender> contenders, RedisFigures figures)
    {
        var raw = contenders[0];
        const int Many = RedisSection.ManyWorkers;
        // Ratios are taken round by round (same round, same machine state) and then their median.
        string Ratio(Dictionary<Contender, Stats> figure, Contender contender) => figure[contender].RatioTo(figure[raw]).Format("F2");

        Console.WriteLine();
        Console.WriteLine($"| contender | cycles/s, 1 worker | × raw | cycles/s, {Many} workers | × raw | bytes/cycle | × raw |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var contender in contenders)
        {
            Console.WriteLine($"| {contender.Name} | {figures.Cycles1[contender].Format("F0")} | {Ratio(figures.Cycles1, contender)} | {figures.CyclesMany[contender].Format("F0")} | {Ratio(figures.CyclesMany, contender)} | {figures.Bytes[contender].Format("F0")} | {Ratio(figures.Bytes, contender)} |");
        }

        var bare = contenders.OfType<BidLocksContender>().First();
        var generated = contenders.OfType<GeneratedContender>().First();
        Console.WriteLine();
        Console.WriteLine($"Generated method ÷ bare manager, round by round: 1 worker {figures.Cycles1[generated].RatioTo(figures.Cycles1[bare]).Format("F2")}, {Many} workers {figures.CyclesMany[generated].RatioTo(figures.CyclesMany[bare]).Format("F2")}.");

        Console.WriteLine();
        Console.WriteLine("Redis server work per lock cycle, µs (deltas of INFO around each throughput run, divided by its cycles). commandstats: sum of usec of every command, which counts a script's inner commands twice (in their own entry and in EVALSHA's); main-thread CPU: used_cpu_user_main_thread + used_cpu_sys_main_thread:");
        Console.WriteLine();
        Console.WriteLine($"| contender | commandstats, 1 worker | × raw | commandstats, {Many} workers | × raw | main-thread CPU, 1 worker | × raw | main-thread CPU, {Many} workers | × raw |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var contender in contenders)
        {
            Console.WriteLine($"| {contender.Name} | {figures.CommandUs1[contender].Format("F2")} | {Ratio(figures.CommandUs1, contender)} | {figures.CommandUsMany[contender].Format("F2")} | {Ratio(figures.CommandUsMany, contender)} | {figures.CpuUs1[contender].Format("F2")} | {Ratio(figures.CpuUs1, contender)} | {figures.CpuUsMany[contender].Format("F2")} | {Ratio(figures.CpuUsMany, contender)} |");
        }

    }

    private static void PrintHandOff(BenchmarkArguments arguments, IReadOnlyList<Contender> contenders, IReadOnlyList<Contender> waiting, RedisFigures figures)
    {
        Console.WriteLine();
        Console.WriteLine(Invariant.Format($"Forced hand-off, {RedisSection.HandOffWorkers} workers on one key, each holding it {arguments.Hold.TotalMilliseconds} ms:"));
        Console.WriteLine();
        Console.WriteLine("| contender | p50 ms | p99 ms | hand-offs/s | min per worker | max per worker | min/max | overlaps |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var contender in contenders.Where(c => !c.CanWait))
        {
            Console.WriteLine($"| {contender.Name} | n/a (cannot wait) | | | | | | |");
        }

        foreach (var contender in waiting)
        {
            Console.WriteLine(Invariant.Format($"| {contender.Name} | {figures.P50[contender].Format("F3")} | {figures.P99[contender].Format("F3")} | {figures.HandOffRate[contender].Format("F0")} | {figures.MinPerWorker[contender].Format("F0")} | {figures.MaxPerWorker[contender].Format("F0")} | {figures.Fairness[contender].Format("F2")} | {figures.Overlaps[contender]} |"));
        }
    }
}
