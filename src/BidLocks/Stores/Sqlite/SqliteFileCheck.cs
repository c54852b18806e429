using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace BidLocks;

/// <summary>
/// Whether the database path still names the file a connection has open. Deleting or replacing the file under running
/// processes leaves them on the old inode while every process started later creates and uses a new file: two lock
/// groups, each granting the same locks. SQLite's unix VFS answers the question itself:
/// <c>sqlite3_file_control(db, "main", SQLITE_FCNTL_HAS_MOVED, &amp;moved)</c> stats the path and compares its inode with
/// the open file's, one system call. SQLitePCLRaw does not expose <c>sqlite3_file_control</c>, so it is called in the
/// same native library the driver loads (<c>e_sqlite3</c>, the bundle Microsoft.Data.Sqlite ships with).
/// </summary>
internal static class SqliteFileCheck
{
    // https://www.sqlite.org/c3ref/c_fcntl_begin_atomic_write.html
    private const int HasMovedOperation = 20;
    private const int Ok = 0;
    private static readonly byte[] MainSchema = "main\0"u8.ToArray();
    private static int _unavailable;

    /// <summary>
    /// True when the path no longer names the open file (deleted, renamed or replaced). False when it does, and when the
    /// check cannot be made (a SQLite library without <c>sqlite3_file_control</c>; <see cref="Unavailable"/> is then set).
    /// </summary>
    public static bool HasMoved(SqliteConnection connection)
    {
        if (Volatile.Read(ref _unavailable) != 0)
        {
            return false;
        }

        try
        {
            return FileControl(connection.Handle!.DangerousGetHandle(), MainSchema, HasMovedOperation, out var moved) == Ok && moved != 0;
        }
        catch (Exception exception) when (exception is DllNotFoundException or EntryPointNotFoundException)
        {
            Volatile.Write(ref _unavailable, 1);
            return false;
        }
    }

    /// <summary>True once the check was found impossible with the SQLite library in use.</summary>
    public static bool Unavailable => Volatile.Read(ref _unavailable) != 0;

    [DllImport("e_sqlite3", EntryPoint = "sqlite3_file_control", CallingConvention = CallingConvention.Cdecl)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int FileControl(IntPtr database, byte[] schema, int operation, out int result);
}

/// <summary>The path no longer names the file of the pool's generation: a session opened now would open another file.</summary>
internal sealed class SqliteFileReplacedException() : Exception("The SQLite lock database was deleted or replaced while open.");
