namespace BidLocks;

// Logging: how loudly a backend outage is told.
public sealed partial class BidLockOptions
{
    /// <summary>
    /// While the backend keeps failing, at most one summary line (count, postings, last error) per this interval
    /// (default 10 s, from 100 ms to one hour). The first failure is logged with its exception and the recovery with
    /// the outage's length; the failures between are logged at Debug only.
    /// </summary>
    public TimeSpan FailureLogInterval { get; set; } = TimeSpan.FromSeconds(10);

    private void ValidateLogging()
    {
        if (FailureLogInterval < TimeSpan.FromMilliseconds(100) || FailureLogInterval > TimeSpan.FromHours(1))
        {
            throw new ArgumentOutOfRangeException(nameof(FailureLogInterval), FailureLogInterval, "FailureLogInterval must be at least 100 ms and at most one hour.");
        }
    }
}
