using Microsoft.Extensions.Logging;

namespace BidLocks;

/// <summary>The log lines of inspection and of breaking locks. A broken lock is always a warning: someone overrode the lock.</summary>
internal static partial class InspectionLog
{
    [LoggerMessage(
        20,
        LogLevel.Warning,
        "{RequestedBy} forcibly released the {Backend} lock on {Key}, held by {HolderId} (fence {PreviousFencingToken}); the fence is raised to {FencingToken}, so the old holder's token is refused by any resource that has seen a newer one")]
    public static partial void ForcedRelease(ILogger logger, string requestedBy, string backend, string key, string holderId, long previousFencingToken, long fencingToken);
}
