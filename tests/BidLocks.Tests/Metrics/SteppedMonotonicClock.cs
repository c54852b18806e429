namespace BidLocks.Tests.Metrics;

/// <summary>
/// The system's clocks with the monotonic one moved forward on demand, so that a lease can have been held for a
/// duration no other test's lease has (the meter is process-wide, and other tests run beside this one).
/// </summary>
public sealed class SteppedMonotonicClock : TimeProvider
{
    private long _aheadTicks;

    public override long GetTimestamp() => System.GetTimestamp() + (long)(TimeSpan.FromTicks(Volatile.Read(ref _aheadTicks)).TotalSeconds * TimestampFrequency);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _aheadTicks, by.Ticks);
}
