using Microsoft.Extensions.Logging;

namespace BidLocks;

/// <summary>Every log line BidLocks writes, in one place. None of them carries a password.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Error, "The {Backend} lock backend failed during {Operation} of {Key}")]
    public static partial void BackendFailed(ILogger logger, string backend, string operation, string key, Exception exception);

    [LoggerMessage(2, LogLevel.Warning, "Lost the {Backend} lock on {Key} (fence {FencingToken}): {Reason}")]
    public static partial void LeaseLost(ILogger logger, string backend, string key, long fencingToken, string reason);

    [LoggerMessage(30, LogLevel.Warning, "Lost the {Backend} lock on {Key} (fence {FencingToken}): it was force-released by {RequestedBy} at {ForcedAt:O}")]
    public static partial void LeaseForceReleased(ILogger logger, string backend, string key, long fencingToken, string requestedBy, DateTimeOffset forcedAt);

    [LoggerMessage(31, LogLevel.Debug, "Could not read whether the {Backend} lock on {Key} was force-released: {Error}")]
    public static partial void ForcedReleaseNoteUnread(ILogger logger, string backend, string key, string error);

    [LoggerMessage(3, LogLevel.Debug, "Timed out after {Timeout} waiting for the {Backend} lock on {Key}")]
    public static partial void AcquireTimedOut(ILogger logger, string backend, string key, TimeSpan timeout);

    [LoggerMessage(4, LogLevel.Warning, "Could not release the {Backend} lock on {Key} at dispose; it expires by its TTL")]
    public static partial void DisposeReleaseFailed(ILogger logger, string backend, string key, Exception exception);

    [LoggerMessage(5, LogLevel.Warning, "The {Backend} backend granted the lock on {Key} only after its TTL had run out; gave it back and tried again")]
    public static partial void AcquiredExpired(ILogger logger, string backend, string key);

    [LoggerMessage(6, LogLevel.Warning, "A multi-posting acquire on {Backend} marketplace {MarketplaceId} lost a posting while it waited for another; gave the set back and tried again")]
    public static partial void SetMemberLost(ILogger logger, string backend, string marketplaceId);

    [LoggerMessage(33, LogLevel.Debug, "The {Backend} lock backend failed again during {Operation} of {Key}")]
    public static partial void BackendFailedAgain(ILogger logger, string backend, string operation, string key, Exception exception);

    [LoggerMessage(34, LogLevel.Error, "The {Backend} lock backend is still failing after {ElapsedMs} ms: {Failures} more failed call(s) on {Postings} posting(s) since the last line; last error: {LastError}")]
    public static partial void BackendStillFailing(ILogger logger, string backend, int failures, int postings, long elapsedMs, string lastError);

    [LoggerMessage(35, LogLevel.Information, "The {Backend} lock backend answers again after an outage of {OutageMs} ms ({Failures} failed call(s))")]
    public static partial void BackendRecovered(ILogger logger, string backend, long outageMs, long failures);

    [LoggerMessage(18, LogLevel.Information, "The {Backend} backend's holds are in doubt ({Cause}): verifying the {Count} lease(s) held now")]
    public static partial void HoldsInDoubt(ILogger logger, string backend, string cause, int count);
}
