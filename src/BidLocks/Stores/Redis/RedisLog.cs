using Microsoft.Extensions.Logging;

namespace BidLocks;

/// <summary>The Redis backend's own log lines. None carries a password: they name endpoints and keys only.</summary>
internal static partial class RedisLog
{
    [LoggerMessage(101, LogLevel.Warning, "Could not subscribe to the release channel {Channel}; waiters poll until it works")]
    public static partial void SubscribeFailed(ILogger logger, string channel, Exception exception);

    [LoggerMessage(102, LogLevel.Debug, "Could not leave the wait queue of {Key}; the place expires by itself")]
    public static partial void AbandonFailed(ILogger logger, string key, Exception exception);

    [LoggerMessage(103, LogLevel.Information, "Connected to Redis at {Endpoint}: {Server}")]
    public static partial void Connected(ILogger logger, string endpoint, string server);

    [LoggerMessage(104, LogLevel.Warning, "The renewal of the lock on {Key} does not count, so the lease is lost: {Reason}")]
    public static partial void RenewalNotReplicated(ILogger logger, string key, string reason);

    [LoggerMessage(105, LogLevel.Warning, "Could not release the lock on {Key} after the replicas did not acknowledge its grant; trying again in the background")]
    public static partial void UnreplicatedReleaseFailed(ILogger logger, string key, Exception exception);

    [LoggerMessage(106, LogLevel.Information, "Each grant and renewal waits for {MinReplicas} replica(s) to acknowledge it ({Source}; WAIT, up to {TimeoutMs} ms)")]
    public static partial void WaitsForReplicas(ILogger logger, int minReplicas, string source, long timeoutMs);

    [LoggerMessage(107, LogLevel.Information, "Sent the failed release of {Key} again: {Released}")]
    public static partial void ReleaseRetried(ILogger logger, string key, bool released);

    [LoggerMessage(108, LogLevel.Warning, "Gave up sending the failed release of {Key} again; it expires by its TTL")]
    public static partial void ReleaseRetryFailed(ILogger logger, string key, Exception exception);

    [LoggerMessage(109, LogLevel.Information, "Found the Redis primary at {Endpoint} after losing the last one")]
    public static partial void PrimaryFound(ILogger logger, string endpoint);

    [LoggerMessage(110, LogLevel.Warning, "The Sentinels named {Endpoint} the Redis primary; grants are refused until the client writes to it")]
    public static partial void PrimaryNamed(ILogger logger, string endpoint);

    [LoggerMessage(111, LogLevel.Information, "Moved to the Redis primary the Sentinels named, {Endpoint}, in {ElapsedMs} ms")]
    public static partial void PrimaryMoved(ILogger logger, string endpoint, long elapsedMs);

    [LoggerMessage(112, LogLevel.Warning, "Could not subscribe to the Sentinels' announcements; the client follows fail-overs only when its connection drops")]
    public static partial void SentinelSubscribeFailed(ILogger logger, Exception exception);

    [LoggerMessage(113, LogLevel.Warning, "A Sentinel started a fail-over of the Redis primary; grants are refused until the client writes to the primary the Sentinels name")]
    public static partial void FailoverStarted(ILogger logger);

    [LoggerMessage(114, LogLevel.Warning, "The lock on '{Key}' was missing on the new Redis primary after a fail-over (granted on the old one and not copied); set there again for its holder")]
    public static partial void OrphanReasserted(ILogger logger, string key);
}
