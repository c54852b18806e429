namespace BidLocks.Tests.Support;

/// <summary>
/// The system's clocks, except that a timer set while <see cref="Lag"/> is above zero fires that much late, as the
/// timers of a loaded machine do. A manager's renewal tick that comes late finds every lease that fell due meanwhile
/// due at once, in one tick.
/// </summary>
public sealed class LateTimersClock : TimeProvider
{
    private long _lagTicks;

    /// <summary>How late a timer set from now on fires; timers already set keep the lag they were set with.</summary>
    public TimeSpan Lag
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _lagTicks));
        set => Interlocked.Exchange(ref _lagTicks, value.Ticks);
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new LateTimer(this, System.CreateTimer(callback, state, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan));
        timer.Change(dueTime, period);
        return timer;
    }

    private sealed class LateTimer(LateTimersClock clock, ITimer inner) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period)
            => inner.Change(dueTime == Timeout.InfiniteTimeSpan ? dueTime : dueTime + clock.Lag, period);

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
