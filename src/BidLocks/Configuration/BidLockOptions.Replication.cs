using System.Globalization;

namespace BidLocks;

// Redis replication: how many replicas must hold a grant before the body runs.
public sealed partial class BidLockOptions
{
    /// <summary>The most replicas <see cref="MinReplicas"/> may ask for.</summary>
    public const int MaxMinReplicas = 64;

    /// <summary>
    /// Redis only: how many replicas must acknowledge each grant and each renewal (Redis <c>WAIT</c>) before it counts.
    /// Redis replicates asynchronously, so a primary that dies right after a grant can take the lock with it to a
    /// promoted replica that never saw it, and a second holder then gets the lock; a grant that a replica acknowledged
    /// survives the promotion of that replica. A grant not acknowledged within <see cref="MinReplicasTimeout"/> is
    /// released and the call fails with <see cref="BidLockUnavailableException"/> (the body does not run); a renewal not
    /// acknowledged in time loses the lease (<see cref="BidLockLease.LostToken"/> fires). Unset, the
    /// <c>BIDLOCKS_REDIS_MIN_REPLICAS</c> environment variable applies, else 0: no wait, no extra command.
    /// </summary>
    public int? MinReplicas { get; set; }

    /// <summary>
    /// How long a grant or renewal waits for <see cref="MinReplicas"/> replicas to acknowledge it (default 1 s, at most
    /// one minute). While it waits, the other commands of the same connection wait behind it on the server. With
    /// replicas to wait for, it must be at most a third of <see cref="DefaultTtl"/>: a renewal starts when a third of the
    /// TTL has gone, and a wait bounded by another third still ends with a third left for its round trips and a retry.
    /// </summary>
    public TimeSpan MinReplicasTimeout { get; set; } = TimeSpan.FromSeconds(1);

    private void ValidateReplication()
    {
        if (MinReplicas is < 0 or > MaxMinReplicas)
        {
            throw new ArgumentOutOfRangeException(nameof(MinReplicas), MinReplicas, $"MinReplicas must be from 0 to {MaxMinReplicas}.");
        }

        if (MinReplicasTimeout < TimeSpan.FromMilliseconds(1) || MinReplicasTimeout > TimeSpan.FromMinutes(1))
        {
            throw new ArgumentOutOfRangeException(nameof(MinReplicasTimeout), MinReplicasTimeout, "MinReplicasTimeout must be at least one millisecond and at most one minute.");
        }

        if (MinReplicas > 0)
        {
            RequireReplicaWaitWithinTtl("MinReplicas");
        }
    }

    /// <summary>
    /// The replica wait must fit inside a lease: a renewal starts a third of the way into the TTL and must be answered
    /// before the expiry, or the lease is lost although nothing failed; a wait of at most another third leaves the last
    /// third for the round trips and a retry. Checked at start, where the replica count comes from.
    /// </summary>
    internal void RequireReplicaWaitWithinTtl(string source)
    {
        var third = TimeSpan.FromTicks(DefaultTtl.Ticks / 3);
        if (MinReplicasTimeout > third)
        {
            throw new ArgumentOutOfRangeException(
                nameof(MinReplicasTimeout),
                MinReplicasTimeout,
                string.Create(CultureInfo.InvariantCulture, $"With replicas to wait for ({source}), MinReplicasTimeout ({MinReplicasTimeout}) must be at most a third of DefaultTtl ({DefaultTtl}), {third}: a renewal starts a third of the way into the TTL and must be acknowledged before the lease expires."));
        }
    }

    private string DescribeReplication()
        => $"MinReplicas={MinReplicas?.ToString(CultureInfo.InvariantCulture) ?? "(unset)"}, MinReplicasTimeout={MinReplicasTimeout}";
}
