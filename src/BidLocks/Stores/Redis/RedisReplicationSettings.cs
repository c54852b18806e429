using System.Globalization;

namespace BidLocks;

/// <summary>
/// <see cref="BidLockOptions.MinReplicas"/> in force: the option when set, else <c>BIDLOCKS_REDIS_MIN_REPLICAS</c>,
/// else 0; with the wait's bound and where the number came from, for messages.
/// </summary>
internal readonly record struct RedisReplicationSettings(int MinReplicas, TimeSpan Timeout, string Source)
{
    public const string Variable = "BIDLOCKS_REDIS_MIN_REPLICAS";

    /// <summary>The wait's bound as <c>WAIT</c> takes it: whole milliseconds, at least 1 (0 would wait for ever).</summary>
    public long TimeoutMilliseconds => Math.Max(1, (long)Math.Ceiling(Timeout.TotalMilliseconds));

    /// <exception cref="FormatException">The variable is not a whole number from 0 to <see cref="BidLockOptions.MaxMinReplicas"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The variable asks for replicas and the wait for them does not fit the TTL.</exception>
    public static RedisReplicationSettings Resolve(BidLockOptions options, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        if (options.MinReplicas is { } configured)
        {
            return new RedisReplicationSettings(configured, options.MinReplicasTimeout, "BidLockOptions.MinReplicas");
        }

        var text = environment(Variable);
        if (string.IsNullOrWhiteSpace(text))
        {
            return new RedisReplicationSettings(0, options.MinReplicasTimeout, Variable);
        }

        if (!int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number > BidLockOptions.MaxMinReplicas)
        {
            throw new FormatException($"{Variable} must be a whole number from 0 to {BidLockOptions.MaxMinReplicas}; got '{text}'.");
        }

        if (number > 0)
        {
            options.RequireReplicaWaitWithinTtl(Variable);
        }

        return new RedisReplicationSettings(number, options.MinReplicasTimeout, Variable);
    }
}
