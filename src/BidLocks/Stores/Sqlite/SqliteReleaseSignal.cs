using Microsoft.Win32.SafeHandles;

namespace BidLocks;

/// <summary>
/// The wake-up hint a release leaves for waiters in other processes: one small write to a file beside the database,
/// made after the commit that freed the lock. Watching the <c>-wal</c> file instead would wake waiters too early: SQLite
/// writes the log before the commit becomes visible, so a waiter could look, still see the lock taken, and sleep
/// through the release. A write here comes after the release is visible to every reader.
/// </summary>
internal sealed class SqliteReleaseSignal : IDisposable
{
    private readonly string _path;
    private readonly object _gate = new();
    private SafeFileHandle? _handle;
    private bool _failed;
    private long _count;

    public SqliteReleaseSignal(string databasePath) => _path = PathFor(databasePath);

    /// <summary>The hint file of <paramref name="databasePath"/>.</summary>
    public static string PathFor(string databasePath) => databasePath + "-release";

    /// <summary>
    /// Writes the hint. Never throws: a hint that cannot be written only costs waiters their next look, and the release
    /// itself has already happened.
    /// </summary>
    public void Signal()
    {
        Span<byte> counter = stackalloc byte[sizeof(long)];
        lock (_gate)
        {
            if (_failed)
            {
                return;
            }

            try
            {
                _handle ??= File.OpenHandle(_path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
                // The content does not matter, only that a write happens; a counter keeps the file at eight bytes.
                BitConverter.TryWriteBytes(counter, ++_count);
                RandomAccess.Write(_handle, counter, 0);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // Waiters in other processes fall back to their short polling.
                _failed = true;
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _failed = true;
            _handle?.Dispose();
            _handle = null;
        }
    }
}
