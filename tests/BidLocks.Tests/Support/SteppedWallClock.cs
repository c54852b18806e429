namespace BidLocks.Tests.Support;

/// <summary>
/// The system's clocks, except that the wall clock can be stepped back (or ahead), as an NTP correction or an operator
/// would step it, or as another host's clock may run ahead. Timestamps and timers stay the system's monotonic ones, as they do on a real host.
/// </summary>
public sealed class SteppedWallClock : TimeProvider
{
    private long _behindTicks;

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() - TimeSpan.FromTicks(Volatile.Read(ref _behindTicks));

    public void StepBack(TimeSpan by) => Interlocked.Add(ref _behindTicks, by.Ticks);

    public void StepAhead(TimeSpan by) => Interlocked.Add(ref _behindTicks, -by.Ticks);
}
