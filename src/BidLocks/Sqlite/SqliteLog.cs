using Microsoft.Extensions.Logging;

namespace BidLocks;

/// <summary>The SQLite backend's own log lines.</summary>
internal static partial class SqliteLog
{
    [LoggerMessage(201, LogLevel.Warning, "Cannot watch the SQLite lock database {Path} for changes; waiters in this process poll it instead")]
    public static partial void WatcherUnavailable(ILogger logger, string path, Exception exception);

    [LoggerMessage(202, LogLevel.Information, "Opened the SQLite lock database {Path} (SQLite {Version}, schema version {Schema})")]
    public static partial void Opened(ILogger logger, string path, string version, int schema);

    [LoggerMessage(203, LogLevel.Debug, "Could not leave the SQLite wait queue of {Key}; the place lapses by itself")]
    public static partial void AbandonFailed(ILogger logger, string key, Exception exception);
}
