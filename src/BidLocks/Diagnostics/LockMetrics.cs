using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace BidLocks;

/// <summary>
/// One manager's counters, kept twice on purpose: as plain fields for <see cref="IBidLockManager.GetMetrics"/>,
/// and as <see cref="Meter"/> instruments (meter <c>BidLocks</c>, tagged <c>bidlocks.backend</c>) for OpenTelemetry.
/// Names follow OpenTelemetry's conventions: dotted lower case, durations in seconds, counts with a <c>{unit}</c>
/// annotation; README "Metrics" lists every instrument.
/// </summary>
/// <remarks>
/// The hot path pays for an instrument only while something listens to it (<c>Enabled</c>), and the histograms time
/// from instants the manager already reads. What is held now (<c>bidlocks.lease.active</c>,
/// <c>bidlocks.lease.longest_hold</c>) is computed when a collector asks, from each live manager's held leases.
/// </remarks>
internal sealed class LockMetrics
{
    public const string MeterName = BidLockTelemetry.MeterName;
    public const string BackendTag = "bidlocks.backend";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Attempts = Meter.CreateCounter<long>("bidlocks.lock.attempts", "{attempt}", "Acquire calls, of every form.");
    private static readonly Counter<long> Successes = Meter.CreateCounter<long>("bidlocks.lock.successes", "{acquisition}", "Acquire calls that got the lock (re-entries included).");
    private static readonly Counter<long> Conflicts = Meter.CreateCounter<long>("bidlocks.lock.conflicts", "{attempt}", "Acquire calls that found the lock held and waited.");
    private static readonly Counter<long> Timeouts = Meter.CreateCounter<long>("bidlocks.lock.timeouts", "{attempt}", "Acquire calls that gave up when their timeout passed.");
    private static readonly Counter<long> Errors = Meter.CreateCounter<long>("bidlocks.backend.errors", "{error}", "Backend calls that failed (unreachable, refused, corrupt).");
    private static readonly Counter<long> Releases = Meter.CreateCounter<long>("bidlocks.lock.releases", "{release}", "Locks released by their holder.");
    private static readonly Counter<long> Lost = Meter.CreateCounter<long>("bidlocks.lease.lost", "{lease}", "Leases lost while held: expired, taken, broken by an operator, or past their hold cap.");
    private static readonly Counter<long> Extensions = Meter.CreateCounter<long>("bidlocks.lease.extensions", "{extension}", "Lease renewals.");
    private static readonly Counter<long> Reentered = Meter.CreateCounter<long>("bidlocks.lock.reentries", "{acquisition}", "Acquires served by a lock the flow already held.");
    private static readonly Histogram<double> WaitTime = Meter.CreateHistogram<double>("bidlocks.lock.wait.duration", "s", "Time from an acquire call to the lock held (uncontended: one backend round trip).");
    private static readonly Histogram<double> HoldTime = Meter.CreateHistogram<double>("bidlocks.lock.hold.duration", "s", "Time a lease was held, from acquired to released or lost.");

    // Every live manager's metrics, for the observable instruments; weak, so a manager that is never disposed still goes.
    private static readonly ConditionalWeakTable<LockMetrics, object> Live = new();

    private readonly KeyValuePair<string, object?> _backendTag;
    private readonly string _backend;
    private readonly Func<IReadOnlyCollection<LeaseRenewal>> _held;
    private readonly TimeProvider _time;
    private long _attempts, _successes, _conflicts, _timeouts, _errors, _releases, _lost, _extensions, _reentries;

    static LockMetrics()
    {
        Meter.CreateObservableUpDownCounter("bidlocks.lease.active", ObserveActive, "{lease}", "Leases held now by this process.");
        Meter.CreateObservableGauge("bidlocks.lease.longest_hold", ObserveLongestHold, "s", "How long the longest-held lease this process holds now has been held (0 when none).");
    }

    /// <param name="backend">The backend's name, the tag of every measurement.</param>
    /// <param name="held">The leases the manager holds now, read when a collector asks.</param>
    /// <param name="time">The manager's clock, on which leases time themselves.</param>
    public LockMetrics(string backend, Func<IReadOnlyCollection<LeaseRenewal>> held, TimeProvider time)
    {
        _backend = backend;
        _backendTag = new(BackendTag, backend);
        _held = held;
        _time = time;
        Live.Add(this, this);
    }

    public void Attempt() => Count(ref _attempts, Attempts);

    public void Success(long startTimestamp)
    {
        Count(ref _successes, Successes);
        if (WaitTime.Enabled)
        {
            WaitTime.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, _backendTag);
        }
    }

    /// <summary>A lease ends (released, or lost and then released): how long it was held.</summary>
    public void HoldEnded(LeaseRenewal lease)
    {
        if (HoldTime.Enabled)
        {
            HoldTime.Record((LeaseClock.MonotonicNow(_time) - lease.HeldSince).TotalSeconds, _backendTag);
        }
    }

    public void Conflict() => Count(ref _conflicts, Conflicts);

    public void Timeout() => Count(ref _timeouts, Timeouts);

    public void BackendError() => Count(ref _errors, Errors);

    public void Release() => Count(ref _releases, Releases);

    public void LeaseLost() => Count(ref _lost, Lost);

    public void Extension() => Count(ref _extensions, Extensions);

    public void Reentry() => Count(ref _reentries, Reentered);

    public BidLockMetrics Snapshot() => new()
    {
        LockAttempts = Interlocked.Read(ref _attempts),
        LockSuccesses = Interlocked.Read(ref _successes),
        LockConflicts = Interlocked.Read(ref _conflicts),
        LockTimeouts = Interlocked.Read(ref _timeouts),
        BackendErrors = Interlocked.Read(ref _errors),
        LockReleases = Interlocked.Read(ref _releases),
        LeasesLost = Interlocked.Read(ref _lost),
        LeaseExtensions = Interlocked.Read(ref _extensions),
        Reentries = Interlocked.Read(ref _reentries),
    };

    /// <summary>Held leases of all live managers, one measurement per backend (several managers add up).</summary>
    private static IEnumerable<Measurement<long>> ObserveActive()
        => Snapshots().GroupBy(held => held.Backend).Select(group => new Measurement<long>(group.Sum(held => (long)held.Count), new KeyValuePair<string, object?>(BackendTag, group.Key)));

    /// <summary>The longest current hold of all live managers, per backend.</summary>
    private static IEnumerable<Measurement<double>> ObserveLongestHold()
        => Snapshots().GroupBy(held => held.Backend).Select(group => new Measurement<double>(group.Max(held => held.Longest.TotalSeconds), new KeyValuePair<string, object?>(BackendTag, group.Key)));

    private static List<(string Backend, int Count, TimeSpan Longest)> Snapshots()
    {
        var snapshots = new List<(string, int, TimeSpan)>();
        foreach (var (metrics, _) in Live)
        {
            var held = metrics._held();
            var now = LeaseClock.MonotonicNow(metrics._time);
            var longest = held.Count == 0 ? TimeSpan.Zero : now - held.Min(lease => lease.HeldSince);
            snapshots.Add((metrics._backend, held.Count, longest));
        }

        return snapshots;
    }

    private void Count(ref long field, Counter<long> counter)
    {
        Interlocked.Increment(ref field);
        if (counter.Enabled)
        {
            counter.Add(1, _backendTag);
        }
    }
}
