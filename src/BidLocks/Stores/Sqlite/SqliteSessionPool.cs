using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace BidLocks;

/// <summary>
/// A few open sessions kept for reuse. Opening a connection and preparing its statements costs far more than a lock
/// step, so each step rents a session and gives it back; at most a handful stay open. The first rent opens the file and
/// creates the schema; until that succeeds, every rent tries again, so a folder that appears later starts working.
/// </summary>
/// <remarks>
/// A pool is one generation of the file: every session it hands out has the same file open. A connection opened later
/// opens whatever the path names then, which after a deletion is another file; so one session, the witness, is kept
/// from the start and never rented, and a session opened later is handed out only while the witness's file is still
/// the path's (<see cref="SqliteFileReplacedException"/> otherwise). The witness also reads the old file's holds when
/// the generation ends.
/// </remarks>
internal sealed class SqliteSessionPool : IDisposable
{
    // A plain stack under a lock: a concurrent stack allocated a node for every session returned, that is every step.
    private readonly Stack<SqliteSession> _idle = new();
    private readonly string _connectionString;
    private readonly string _path;
    private readonly TimeSpan _busyTimeout;
    private readonly int _maxIdle = Math.Max(4, Environment.ProcessorCount * 2);
    private readonly object _initGate = new();
    private SqliteSession? _witness;
    private volatile bool _initialized;
    private volatile bool _disposed;

    public SqliteSessionPool(string path, TimeSpan busyTimeout)
    {
        _path = path;
        _busyTimeout = busyTimeout;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            // This pool keeps the connections; the driver's own pool would only keep them a second time.
            Pooling = false,
            // The driver retries a busy statement itself, sleeping 150 ms between tries, until this many seconds have
            // passed. SQLite's busy handler (set per session) waits first and far more finely; this bound only ends the
            // driver's loop once that wait is over.
            DefaultTimeout = 1,
        }.ToString();
    }

    public string Path => _path;

    /// <summary>True once the file has been opened and its schema checked.</summary>
    public bool IsInitialized => _initialized;

    /// <summary>Rents a session; throws <see cref="SqliteException"/> (or <see cref="InvalidOperationException"/> for a
    /// schema problem) when the database cannot be opened.</summary>
    public SqliteSession Rent()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        lock (_idle)
        {
            if (_idle.TryPop(out var session))
            {
                return session;
            }
        }

        var created = Open();
        if (!_initialized)
        {
            Initialize(created);
        }
        else if (WitnessSaysMoved())
        {
            // Checked after the open: the new session then has the witness's file open only if the path still names it.
            created.Dispose();
            throw new SqliteFileReplacedException();
        }

        return created;
    }

    /// <summary>The holds in force in this generation's file (key, holder, expiry), read through the witness.</summary>
    public List<(string Key, string Holder, long ExpiresAt)> LiveHolds(long now)
    {
        lock (_initGate)
        {
            return _witness?.SelectLiveHolds(now) ?? [];
        }
    }

    private bool WitnessSaysMoved()
    {
        lock (_initGate)
        {
            return _witness is not null && SqliteFileCheck.HasMoved(_witness.Connection);
        }
    }

    /// <summary>Gives a session back; a session that failed mid-transaction is closed instead.</summary>
    public void Return(SqliteSession session, bool reusable)
    {
        lock (_idle)
        {
            if (reusable && !_disposed && _idle.Count < _maxIdle)
            {
                _idle.Push(session);
                return;
            }
        }

        session.Dispose();
    }

    public void Dispose()
    {
        lock (_idle)
        {
            _disposed = true;
            while (_idle.TryPop(out var session))
            {
                session.Dispose();
            }
        }

        lock (_initGate)
        {
            _witness?.Dispose();
            _witness = null;
        }
    }

    private SqliteSession Open()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            var session = new SqliteSession(connection);
            session.SetBusyTimeout(_busyTimeout);
            // WAL with NORMAL: a commit is not fsynced (a checkpoint is), so a lock step costs microseconds. A process
            // crash loses nothing; a power cut may lose the last commits, and the fence stays ahead through its clock floor.
            session.NonQueryOnce("PRAGMA synchronous = NORMAL");
            return session;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private void Initialize(SqliteSession session)
    {
        try
        {
            lock (_initGate)
            {
                if (!_initialized)
                {
                    SqliteSchema.Ensure(session.Connection);
                    _witness = Open();
                    _initialized = true;
                }
            }
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }
}
