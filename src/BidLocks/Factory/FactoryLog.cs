using Microsoft.Extensions.Logging;

namespace BidLocks;

/// <summary>The factory's log lines: which backend started and why. Endpoints appear with their password as <c>***</c>.</summary>
internal static partial class FactoryLog
{
    [LoggerMessage(301, LogLevel.Information, "BidLocks uses the {Backend} lock backend: {Reason}")]
    public static partial void Chose(ILogger logger, string backend, string reason);

    [LoggerMessage(
        302,
        LogLevel.Warning,
        "Redis at {Endpoint} (from {Source}) is unreachable at start, so BidLocks falls back to SQLite at {SqlitePath}, as {OptIn}=true allows. "
            + "Locks then hold only between processes of this host, and health reports Degraded. Cause: {Cause}")]
    public static partial void FellBack(ILogger logger, string endpoint, string source, string optIn, string sqlitePath, string cause);

    [LoggerMessage(303, LogLevel.Warning, "{Warning}")]
    public static partial void IgnoredSetting(ILogger logger, string warning);
}
