using BidLocks.Benchmarks.Contenders;

namespace BidLocks.Benchmarks;

/// <summary>Every figure of the SQLite section, one <see cref="Stats"/> (a value per round) per contender.</summary>
internal sealed class SqliteFigures(IReadOnlyList<Contender> contenders)
{
    public Dictionary<Contender, Stats> Cycles1 { get; } = contenders.ToDictionary(c => c, _ => new Stats());
    public Dictionary<Contender, Stats> CyclesMany { get; } = contenders.ToDictionary(c => c, _ => new Stats());
    public Dictionary<Contender, Stats> Bytes { get; } = contenders.ToDictionary(c => c, _ => new Stats());
    public SqliteHandOffFigures HandOff { get; } = new();
}
