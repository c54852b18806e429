using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace BidLocks;

/// <summary>
/// One manager's counters, kept twice on purpose: as plain fields for <see cref="IBidLockManager.GetMetrics"/>,
/// and as <see cref="Meter"/> instruments (meter <c>BidLocks</c>, tagged with the backend) for OpenTelemetry.
/// </summary>
internal sealed class LockMetrics
{
    public const string MeterName = "BidLocks";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Attempts = Meter.CreateCounter<long>("bidlocks.lock.attempts", description: "Acquire calls.");
    private static readonly Counter<long> Successes = Meter.CreateCounter<long>("bidlocks.lock.successes", description: "Acquire calls that got the lock.");
    private static readonly Counter<long> Conflicts = Meter.CreateCounter<long>("bidlocks.lock.conflicts", description: "Acquire calls that found the lock held and waited.");
    private static readonly Counter<long> Timeouts = Meter.CreateCounter<long>("bidlocks.lock.timeouts", description: "Acquire calls that timed out.");
    private static readonly Counter<long> Errors = Meter.CreateCounter<long>("bidlocks.backend.errors", description: "Backend calls that failed.");
    private static readonly Counter<long> Releases = Meter.CreateCounter<long>("bidlocks.lock.releases", description: "Locks released by their holder.");
    private static readonly Counter<long> Lost = Meter.CreateCounter<long>("bidlocks.lease.lost", description: "Leases lost while held.");
    private static readonly Counter<long> Extensions = Meter.CreateCounter<long>("bidlocks.lease.extensions", description: "Lease renewals.");
    private static readonly Counter<long> Reentered = Meter.CreateCounter<long>("bidlocks.lock.reentries", description: "Acquires served by a lock the flow held.");
    private static readonly Histogram<double> WaitTime = Meter.CreateHistogram<double>("bidlocks.lock.wait", unit: "ms", description: "Time from acquire call to lock held.");

    private readonly KeyValuePair<string, object?> _backendTag;
    private long _attempts, _successes, _conflicts, _timeouts, _errors, _releases, _lost, _extensions, _reentries;

    public LockMetrics(string backend) => _backendTag = new("backend", backend);

    public void Attempt() => Count(ref _attempts, Attempts);

    public void Success(long startTimestamp)
    {
        Count(ref _successes, Successes);
        if (WaitTime.Enabled)
        {
            WaitTime.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds, _backendTag);
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

    private void Count(ref long field, Counter<long> counter)
    {
        Interlocked.Increment(ref field);
        if (counter.Enabled)
        {
            counter.Add(1, _backendTag);
        }
    }
}
