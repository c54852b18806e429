namespace BidLocks.Benchmarks;

/// <summary>The SQLite cross-process hand-off figures, a value per round.</summary>
internal sealed class SqliteHandOffFigures
{
    public Stats P50 { get; } = new();
    public Stats P90 { get; } = new();
    public Stats P99 { get; } = new();
    public Stats Holds { get; } = new();

    /// <summary>Share of hand-offs that went to another process (3/4 if the lock ignored which process asked).</summary>
    public Stats CrossProcessShare { get; } = new();

    public long Overlaps { get; private set; }

    public void Add(SqliteHandOffRun.Result result)
    {
        P50.Add(Stats.Percentile(result.LatenciesMs, 0.50));
        P90.Add(Stats.Percentile(result.LatenciesMs, 0.90));
        P99.Add(Stats.Percentile(result.LatenciesMs, 0.99));
        Holds.Add(result.Holds);
        CrossProcessShare.Add(result.LatenciesMs.Count == 0 ? 0 : (double)result.CrossProcess / result.LatenciesMs.Count);
        Overlaps += result.Overlaps;
    }
}
