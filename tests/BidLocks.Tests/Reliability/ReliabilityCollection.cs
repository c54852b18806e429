namespace BidLocks.Tests.Reliability;

/// <summary>
/// The tests that start many processes, kill or pause servers and measure recovery times. They run after every other
/// test and one at a time: on a two-core machine, four soak processes next to the rest of the suite would slow the
/// other tests' timing checks, and the other tests would blur these figures.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ReliabilityCollection
{
    public const string Name = "Reliability: processes, kills and pauses, run alone";
}
