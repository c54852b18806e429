namespace BidLocks;

// How long Redis keeps a lock's last fence.
public sealed partial class BidLockOptions
{
    /// <summary>The default <see cref="FenceRetention"/>: a week, what the Redis scripts keep a fence key for when told nothing.</summary>
    public static readonly TimeSpan DefaultFenceRetention = TimeSpan.FromDays(7);

    /// <summary>The shortest <see cref="FenceRetention"/>: it must outlast any correction of the server's clock.</summary>
    public static readonly TimeSpan MinFenceRetention = TimeSpan.FromHours(1);

    /// <summary>The longest <see cref="FenceRetention"/>.</summary>
    public static readonly TimeSpan MaxFenceRetention = TimeSpan.FromDays(365);

    /// <summary>
    /// How long Redis keeps a lock's last fencing token after its last use (the <c>…:fence</c> key's TTL), default a
    /// week. While it is kept, that lock's fences keep rising even if the server's clock steps back; once it is gone,
    /// the next fence starts again from the server clock (in µs), so the retention must outlast the largest clock
    /// correction you expect. Each posting locked within it keeps one small key (about 145 B, see README). At least
    /// one hour, at most 365 days. Bound from <c>BidLocks:FenceRetention</c> like every option.
    /// </summary>
    public TimeSpan FenceRetention { get; set; } = DefaultFenceRetention;

    private void ValidateFenceRetention()
    {
        if (FenceRetention < MinFenceRetention || FenceRetention > MaxFenceRetention)
        {
            throw new ArgumentOutOfRangeException(
                nameof(FenceRetention),
                FenceRetention,
                "FenceRetention must be at least one hour (longer than any correction of the Redis server's clock, which the stored fence outlasts) and at most 365 days.");
        }
    }
}
