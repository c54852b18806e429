using Microsoft.Extensions.Logging;

namespace BidLocks;

/// <summary>
/// Wakes waiters when another process releases a lock: SQLite cannot notify other processes, but every release writes
/// the database's release hint file (<see cref="SqliteReleaseSignal"/>), and the file system reports that write within
/// a fraction of a millisecond. One watcher per database file serves every manager of this process on it. It says only
/// "something was released"; the waiters it wakes look at their lock again, and their short backoff still covers a
/// missed or lost event.
/// </summary>
internal sealed class SqliteChangeWatcher
{
    private static readonly Dictionary<string, SqliteChangeWatcher> ByPath = new(StringComparer.Ordinal);

    private readonly string _path;
    private readonly FileSystemWatcher _watcher;
    private Action[] _listeners = [];

    private SqliteChangeWatcher(string path, FileSystemWatcher watcher)
    {
        _path = path;
        _watcher = watcher;
    }

    /// <summary>
    /// Calls <paramref name="onChange"/> after each write to the database until the result is disposed; null when the
    /// file system cannot watch the folder (the waiters then rely on their backoff alone).
    /// </summary>
    public static IDisposable? Subscribe(string databasePath, Action onChange, ILogger logger)
    {
        lock (ByPath)
        {
            if (!ByPath.TryGetValue(databasePath, out var shared))
            {
                var watcher = TryCreate(databasePath, logger);
                if (watcher is null)
                {
                    return null;
                }

                shared = new SqliteChangeWatcher(databasePath, watcher);
                watcher.Changed += (_, _) => shared.Notify();
                watcher.Created += (_, _) => shared.Notify();
                // An overflow of the event queue may have dropped a release: wake everyone.
                watcher.Error += (_, _) => shared.Notify();
                if (!TryStart(watcher, databasePath, logger))
                {
                    return null;
                }

                ByPath.Add(databasePath, shared);
            }

            shared._listeners = [.. shared._listeners, onChange];
            return new Subscription(shared, onChange);
        }
    }

    private static FileSystemWatcher? TryCreate(string databasePath, ILogger logger)
    {
        try
        {
            var hint = SqliteReleaseSignal.PathFor(databasePath);
            return new FileSystemWatcher(Path.GetDirectoryName(hint)!, Path.GetFileName(hint))
            {
                NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.FileName,
                IncludeSubdirectories = false,
            };
        }
        catch (Exception exception) when (exception is IOException or ArgumentException or PlatformNotSupportedException or UnauthorizedAccessException)
        {
            SqliteLog.WatcherUnavailable(logger, databasePath, exception);
            return null;
        }
    }

    // Starting is where the system can refuse (on Linux, the per-user limit on inotify instances): then poll.
    private static bool TryStart(FileSystemWatcher watcher, string databasePath, ILogger logger)
    {
        try
        {
            watcher.EnableRaisingEvents = true;
            return true;
        }
        catch (Exception exception) when (exception is IOException or ArgumentException or PlatformNotSupportedException or UnauthorizedAccessException)
        {
            watcher.Dispose();
            SqliteLog.WatcherUnavailable(logger, databasePath, exception);
            return false;
        }
    }

    private void Notify()
    {
        foreach (var listener in Volatile.Read(ref _listeners))
        {
            listener();
        }
    }

    private void Unsubscribe(Action onChange)
    {
        lock (ByPath)
        {
            _listeners = Array.FindAll(_listeners, listener => listener != onChange);
            if (_listeners.Length == 0)
            {
                ByPath.Remove(_path);
                _watcher.Dispose();
            }
        }
    }

    private sealed class Subscription(SqliteChangeWatcher owner, Action onChange) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Unsubscribe(onChange);
            }
        }
    }
}
