using System.Globalization;

namespace BidLocks.Benchmarks;

/// <summary>The command line: <c>--name value</c> options and the two section switches.</summary>
internal sealed record BenchmarkArguments(
    int Rounds,
    double Seconds,
    double HandOffSeconds,
    TimeSpan Hold,
    bool RunRedis,
    bool RunSqlite,
    int SqliteHandOffRounds,
    IReadOnlyList<KeyPattern> KeyPatterns,
    bool Packed,
    bool Profile)
{
    public const string Usage = "dotnet run -c Release --project tests/BidLocks.Benchmarks -- [--rounds 3] [--seconds 1.5] [--handoff-seconds 2] [--hold-ms 1] [--sqlite-handoff-rounds 25] [--keys fixed|distinct|both] [--redis-only | --sqlite-only | --packed | --profile]";

    public static BenchmarkArguments Parse(string[] args)
    {
        var redisOnly = args.Contains("--redis-only");
        var sqliteOnly = args.Contains("--sqlite-only");
        if (redisOnly && sqliteOnly)
        {
            throw new ArgumentException("--redis-only and --sqlite-only exclude each other.", nameof(args));
        }

        return new BenchmarkArguments(
            Rounds: (int)Number(args, "--rounds", 3),
            Seconds: Number(args, "--seconds", 1.5),
            HandOffSeconds: Number(args, "--handoff-seconds", 2),
            Hold: TimeSpan.FromMilliseconds(Number(args, "--hold-ms", 1)),
            RunRedis: !sqliteOnly,
            RunSqlite: !redisOnly,
            SqliteHandOffRounds: (int)Number(args, "--sqlite-handoff-rounds", 25),
            KeyPatterns: Patterns(Text(args, "--keys", "both")),
            Packed: args.Contains("--packed"),
            Profile: args.Contains("--profile"));
    }

    private static KeyPattern[] Patterns(string keys) => keys switch
    {
        "fixed" => [KeyPattern.Fixed],
        "distinct" => [KeyPattern.Distinct],
        "both" => [KeyPattern.Fixed, KeyPattern.Distinct],
        _ => throw new ArgumentException($"--keys {keys}: expected fixed, distinct or both.", nameof(keys)),
    };

    private static string Text(string[] args, string name, string fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
    }

    /// <summary>Round 0 warms up (JIT, tiering, connections, caches) and is not counted, so it is kept short.</summary>
    public TimeSpan ThroughputDuration(int round) => TimeSpan.FromSeconds(round == 0 ? Math.Min(0.5, Seconds) : Seconds);

    public TimeSpan HandOffDuration(int round) => TimeSpan.FromSeconds(round == 0 ? Math.Min(0.5, HandOffSeconds) : HandOffSeconds);

    private static double Number(string[] args, string name, double fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? double.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
