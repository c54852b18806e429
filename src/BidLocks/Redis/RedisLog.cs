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
}
