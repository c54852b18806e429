using Microsoft.Data.Sqlite;

namespace BidLocks;

/// <summary>
/// Turns what SQLite or the file system said into a <see cref="BidLockUnavailableException"/> whose message names the
/// database file and what to do about it. The lock was not taken and the file is left as it was.
/// </summary>
internal static class SqliteFailure
{
    // SQLite primary result codes (https://www.sqlite.org/rescode.html).
    private const int Busy = 5, Locked = 6, ReadOnly = 8, IoError = 10, Corrupt = 11, Full = 13, CantOpen = 14, NotADatabase = 26;

    public static bool IsStoreFailure(Exception exception)
        => exception is SqliteException or InvalidOperationException or IOException or UnauthorizedAccessException;

    public static BidLockUnavailableException Wrap(string path, string operation, Exception exception, TimeSpan busyTimeout)
    {
        var detail = exception.Message;
        var reason = (exception as SqliteException)?.SqliteErrorCode switch
        {
            CantOpen when System.IO.Path.GetDirectoryName(path) is { } folder && !Directory.Exists(folder)
                => $"its folder '{folder}' does not exist (create it, or set BIDLOCKS_SQLITE_PATH to a file in an existing folder)",
            CantOpen => "the file or its folder cannot be opened for writing (check that the folder exists and is writable)",
            ReadOnly => "the file or its folder is read-only (every process that shares the lock must be able to write it)",
            Corrupt or NotADatabase => "it is not a BidLocks SQLite database or it is corrupt; it was left untouched (move it away, or point BIDLOCKS_SQLITE_PATH elsewhere)",
            Busy or Locked => $"another writer held the database for longer than the busy timeout ({busyTimeout.TotalSeconds:0.###} s)",
            Full => "the disk is full",
            IoError => "the file system reported an I/O error",
            _ when exception is InvalidOperationException => "it cannot be used",
            _ => "SQLite reported an error",
        };
        return new BidLockUnavailableException(
            SqliteLockStore.BackendName,
            $"The SQLite lock database '{path}' failed during {operation}: {reason}. {detail}",
            exception);
    }
}
