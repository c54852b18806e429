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

    [LoggerMessage(204, LogLevel.Warning, "Opened the SQLite lock database {Path} (SQLite {Version}, schema version {Schema}) in the temp folder {Folder}: "
        + "instances with another TMPDIR, systemd PrivateTmp= or a container's own /tmp each get their own file there and do not exclude each other. "
        + "Set BIDLOCKS_SQLITE_PATH to a file in a folder every instance shares, such as /var/lib/<app>/bidlocks.db")]
    public static partial void OpenedInTempFolder(ILogger logger, string path, string version, int schema, string folder);

    [LoggerMessage(205, LogLevel.Error, "The SQLite lock database {Path} was deleted or replaced while open: generation {Generation} ended, its grants are refused and every lease of it is lost "
        + "({Held} lock(s) were held in it, by any process); the path is opened again as generation {Next}")]
    public static partial void GenerationEnded(ILogger logger, string path, int generation, int next, int held);

    [LoggerMessage(206, LogLevel.Warning, "The SQLite library in use has no sqlite3_file_control: a lock database deleted or replaced under running processes cannot be noticed")]
    public static partial void FileCheckUnavailable(ILogger logger);
}
