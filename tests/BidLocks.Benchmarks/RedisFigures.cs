using BidLocks.Benchmarks.Contenders;

namespace BidLocks.Benchmarks;

/// <summary>Every figure of the Redis section, one <see cref="Stats"/> (a value per round) per contender.</summary>
internal sealed class RedisFigures(IReadOnlyList<Contender> contenders, IReadOnlyList<Contender> waiting)
{
    public Dictionary<Contender, Stats> Cycles1 { get; } = PerContender(contenders);
    public Dictionary<Contender, Stats> CyclesMany { get; } = PerContender(contenders);
    public Dictionary<Contender, Stats> Bytes { get; } = PerContender(contenders);

    /// <summary>Sum of commandstats <c>usec</c> per cycle, at 1 and at many workers.</summary>
    public Dictionary<Contender, Stats> CommandUs1 { get; } = PerContender(contenders);
    public Dictionary<Contender, Stats> CommandUsMany { get; } = PerContender(contenders);

    /// <summary>Server main-thread CPU (user + sys) per cycle, at 1 and at many workers.</summary>
    public Dictionary<Contender, Stats> CpuUs1 { get; } = PerContender(contenders);
    public Dictionary<Contender, Stats> CpuUsMany { get; } = PerContender(contenders);

    public Dictionary<Contender, Stats> P50 { get; } = PerContender(waiting);
    public Dictionary<Contender, Stats> P99 { get; } = PerContender(waiting);
    public Dictionary<Contender, Stats> HandOffRate { get; } = PerContender(waiting);
    public Dictionary<Contender, Stats> MinPerWorker { get; } = PerContender(waiting);
    public Dictionary<Contender, Stats> MaxPerWorker { get; } = PerContender(waiting);
    public Dictionary<Contender, Stats> Fairness { get; } = PerContender(waiting);
    public Dictionary<Contender, long> Overlaps { get; } = waiting.ToDictionary(c => c, _ => 0L);

    private static Dictionary<Contender, Stats> PerContender(IReadOnlyList<Contender> contenders) => contenders.ToDictionary(c => c, _ => new Stats());
}
