using System.Runtime.InteropServices;
using BidLocks.Benchmarks.Contenders;

namespace BidLocks.Benchmarks;

/// <summary>Prints the SQLite section's tables (markdown, as docs/benchmarks.md shows them).</summary>
internal static class SqliteReport
{
    public static void Print(BenchmarkArguments arguments, IReadOnlyList<Contender> contenders, SqliteFigures figures)
    {
        var raw = contenders[0];
        const int Many = SqliteSection.ManyWorkers;
        string Ratio(Dictionary<Contender, Stats> figure, Contender contender) => figure[contender].RatioTo(figure[raw]).Format("F2");

        Console.WriteLine(Invariant.Format($"SQLite: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, SQLite {SqliteVersion()} (WAL, synchronous NORMAL) in {Path.GetTempPath()}; {arguments.Rounds} rounds of {arguments.Seconds} s, median (min–max)."));
        Console.WriteLine();
        Console.WriteLine($"| contender | cycles/s, 1 worker | × raw | cycles/s, {Many} workers | × raw | bytes/cycle | × raw |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var contender in contenders)
        {
            Console.WriteLine($"| {contender.Name} | {figures.Cycles1[contender].Format("F0")} | {Ratio(figures.Cycles1, contender)} | {figures.CyclesMany[contender].Format("F0")} | {Ratio(figures.CyclesMany, contender)} | {figures.Bytes[contender].Format("F0")} | {Ratio(figures.Bytes, contender)} |");
        }

        var handOff = figures.HandOff;
        Console.WriteLine();
        Console.WriteLine(Invariant.Format($"SQLite hand-off across {SqliteHandOffRun.Processes} processes × {SqliteHandOffRun.WorkersPerProcess} workers on one posting (tests/BidLocks.TestHost contend, {arguments.SqliteHandOffRounds} holds per worker, fresh file and processes each round), {arguments.Rounds} rounds:"));
        Console.WriteLine();
        Console.WriteLine("| p50 ms | p90 ms | p99 ms | holds | to another process | overlaps |");
        Console.WriteLine("|---|---|---|---|---|---|");
        Console.WriteLine(Invariant.Format($"| {handOff.P50.Format("F3")} | {handOff.P90.Format("F3")} | {handOff.P99.Format("F3")} | {handOff.Holds.Format("F0")} | {handOff.CrossProcessShare.Format("F2")} | {handOff.Overlaps} |"));
    }

    private static string SqliteVersion()
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=:memory:");
        connection.Open();
        return connection.ServerVersion;
    }
}
