using Microsoft.Data.Sqlite;

namespace BidLocks;

/// <summary>
/// One open connection to the lock database with every statement of the lock prepared on it. Reusing the command
/// objects keeps SQLite's prepared statements, so a lock step costs a few microseconds of native calls rather than a
/// parse per statement. Used by one thread at a time (see <see cref="SqliteSessionPool"/>).
/// </summary>
internal sealed class SqliteSession : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _begin, _commit, _rollback;
    private readonly SqliteCommand _selectHold, _selectHead, _selectOwnDeadline;
    private readonly SqliteCommand _extendHold, _nextFence, _putHold, _deleteHold;
    private readonly SqliteCommand _joinQueue, _leaveQueue, _takeIfFree, _release, _dropProcess, _selectLiveHolds, _watch;

    public SqliteSession(SqliteConnection connection)
    {
        _connection = connection;
        _begin = Prepare("BEGIN IMMEDIATE");
        _commit = Prepare("COMMIT");
        _rollback = Prepare("ROLLBACK");
        _selectHold = Prepare("SELECT holder, fence, expires_at FROM bidlock_holds WHERE key = $key", "$key");
        _selectHead = Prepare("SELECT holder, deadline, process FROM bidlock_waiters WHERE key = $key AND deadline > $now ORDER BY ticket LIMIT 1", "$key", "$now");
        _selectOwnDeadline = Prepare("SELECT deadline FROM bidlock_waiters WHERE key = $key AND holder = $holder", "$key", "$holder");
        _extendHold = Prepare("UPDATE bidlock_holds SET expires_at = $expires WHERE key = $key AND holder = $holder AND expires_at > $now", "$key", "$holder", "$expires", "$now");
        // The fence: one more than the last, but never below the clock in microseconds, so that it keeps rising even
        // if the file is replaced or an unsynced commit is lost in a power cut.
        _nextFence = Prepare(
            "INSERT INTO bidlock_fences (key, last) VALUES ($key, $floor) ON CONFLICT (key) DO UPDATE SET last = max(last + 1, excluded.last) RETURNING last",
            "$key",
            "$floor");
        _putHold = Prepare(
            "INSERT INTO bidlock_holds (key, holder, fence, expires_at) VALUES ($key, $holder, $fence, $expires) "
                + "ON CONFLICT (key) DO UPDATE SET holder = excluded.holder, fence = excluded.fence, expires_at = excluded.expires_at",
            "$key",
            "$holder",
            "$fence",
            "$expires");
        _deleteHold = Prepare("DELETE FROM bidlock_holds WHERE key = $key AND holder = $holder RETURNING expires_at", "$key", "$holder");
        _joinQueue = Prepare(
            "INSERT INTO bidlock_waiters (key, holder, deadline, process) VALUES ($key, $holder, $deadline, $process) "
                + "ON CONFLICT (key, holder) DO UPDATE SET deadline = excluded.deadline, process = excluded.process",
            "$key",
            "$holder",
            "$deadline",
            "$process");
        // Every place of a process that no longer exists, whatever lock it waited for.
        _dropProcess = Prepare("DELETE FROM bidlock_waiters WHERE process = $process", "$process");
        _selectLiveHolds = Prepare("SELECT key, holder, expires_at FROM bidlock_holds WHERE expires_at > $now", "$now");
        // The first try's whole test and write: a new row, or an expired one replaced, and only when nobody waits.
        _takeIfFree = Prepare(
            "INSERT INTO bidlock_holds (key, holder, fence, expires_at) "
                + "SELECT $key, $holder, $fence, $expires WHERE NOT EXISTS (SELECT 1 FROM bidlock_waiters WHERE key = $key AND deadline > $now) "
                + "ON CONFLICT (key) DO UPDATE SET holder = excluded.holder, fence = excluded.fence, expires_at = excluded.expires_at "
                + "WHERE bidlock_holds.expires_at <= $now",
            "$key",
            "$holder",
            "$fence",
            "$expires",
            "$now");
        // A release in one statement: the expiry the hold had, and whether a live waiter is queued or a set that only
        // looks watches the key. (A waiter whose place lapsed looks again by itself within its longest sleep.)
        _release = Prepare(
            "DELETE FROM bidlock_holds WHERE key = $key AND holder = $holder "
                + "RETURNING expires_at, EXISTS (SELECT 1 FROM bidlock_waiters WHERE key = $key AND deadline > $now) "
                + "OR EXISTS (SELECT 1 FROM bidlock_watchers WHERE key = $key AND until > $now)",
            "$key",
            "$holder",
            "$now");
        // A set that only looks asks to hear of the key's release until then; several such sets share one row.
        _watch = Prepare(
            "INSERT INTO bidlock_watchers (key, until) VALUES ($key, $until) ON CONFLICT (key) DO UPDATE SET until = max(until, excluded.until)",
            "$key",
            "$until");
        // Leaving also sweeps the key's lapsed places, so a queue never keeps dead waiters for long.
        _leaveQueue = Prepare("DELETE FROM bidlock_waiters WHERE key = $key AND (holder = $holder OR deadline <= $now)", "$key", "$holder", "$now");
    }

    public SqliteConnection Connection => _connection;

    public void Begin() => _begin.ExecuteNonQuery();

    public void Commit() => _commit.ExecuteNonQuery();

    public void Rollback() => _rollback.ExecuteNonQuery();

    /// <summary>Ends a transaction that failed; false when even that failed (the connection is then not reused).</summary>
    public bool TryRollback()
    {
        try
        {
            if (SQLitePCL.raw.sqlite3_get_autocommit(_connection.Handle) == 0)
            {
                _rollback.ExecuteNonQuery();
            }

            return true;
        }
        catch (SqliteException)
        {
            return false;
        }
    }

    /// <summary>Sets how long the next statements wait for another writer (SQLite's own busy handler).</summary>
    public void SetBusyTimeout(TimeSpan wait)
        => SQLitePCL.raw.sqlite3_busy_timeout(_connection.Handle, (int)Math.Clamp(wait.TotalMilliseconds, 1, int.MaxValue));

    public Hold? SelectHold(string key)
    {
        using var reader = Run(_selectHold, key);
        return reader.Read() ? new Hold(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)) : null;
    }

    /// <summary>The live waiter with the lowest ticket, when its place lapses, and its process (null if not recorded).</summary>
    public (string Holder, long Deadline, string? Process)? SelectHead(string key, long now)
    {
        using var reader = Run(_selectHead, key, now);
        return reader.Read() ? (reader.GetString(0), reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetString(2)) : null;
    }

    public void DropProcess(string process) => NonQuery(_dropProcess, process);

    /// <summary>Every hold that has not expired: key, holder and expiry.</summary>
    public List<(string Key, string Holder, long ExpiresAt)> SelectLiveHolds(long now)
    {
        var holds = new List<(string, string, long)>();
        using var reader = Run(_selectLiveHolds, now);
        while (reader.Read())
        {
            holds.Add((reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
        }

        return holds;
    }

    public long? SelectOwnDeadline(string key, string holder) => Scalar(_selectOwnDeadline, key, holder) as long?;

    public bool ExtendHold(string key, string holder, long expiresAt, long now) => NonQuery(_extendHold, key, holder, expiresAt, now) == 1;

    public long NextFence(string key, long floor) => (long)Scalar(_nextFence, key, floor)!;

    public void PutHold(string key, string holder, long fence, long expiresAt) => NonQuery(_putHold, key, holder, fence, expiresAt);

    /// <summary>Deletes the holder's row; returns the expiry it had, or null when the holder had none.</summary>
    public long? DeleteHold(string key, string holder) => Scalar(_deleteHold, key, holder) as long?;

    /// <summary>Takes the lock when it is free or expired and nobody waits for it; false otherwise.</summary>
    public bool TakeIfFree(string key, string holder, long fence, long expiresAt, long now) => NonQuery(_takeIfFree, key, holder, fence, expiresAt, now) == 1;

    /// <summary>Deletes the holder's row: the expiry it had and whether live waiters are queued; null when it had none.</summary>
    public (long ExpiresAt, bool Waiters)? Release(string key, string holder, long now)
    {
        using var reader = Run(_release, key, holder, now);
        return reader.Read() ? (reader.GetInt64(0), reader.GetInt64(1) != 0) : null;
    }

    public void JoinQueue(string key, string holder, long deadline) => NonQuery(_joinQueue, key, holder, deadline, WaiterProcess.Current);

    public void LeaveQueue(string key, string holder, long now) => NonQuery(_leaveQueue, key, holder, now);

    /// <summary>Asks for the hint file to be written when <paramref name="key"/> is released before <paramref name="until"/> (Unix ms).</summary>
    public void Watch(string key, long until) => NonQuery(_watch, key, until);

    /// <summary>Runs a statement that is used too rarely to keep prepared (cleanup, health).</summary>
    public object? ScalarOnce(string sql, params (string Name, object Value)[] parameters)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command.ExecuteScalar();
    }

    public int NonQueryOnce(string sql, params (string Name, object Value)[] parameters)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        foreach (var command in new[] { _begin, _commit, _rollback, _selectHold, _selectHead, _selectOwnDeadline, _extendHold, _nextFence, _putHold, _deleteHold, _joinQueue, _leaveQueue, _takeIfFree, _release, _dropProcess, _selectLiveHolds, _watch })
        {
            command.Dispose();
        }

        _connection.Dispose();
    }

    private SqliteCommand Prepare(string sql, params string[] parameterNames)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameterNames)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }

    private static SqliteDataReader Run(SqliteCommand command, params object[] values)
    {
        Bind(command, values);
        return command.ExecuteReader();
    }

    private static object? Scalar(SqliteCommand command, params object[] values)
    {
        Bind(command, values);
        return command.ExecuteScalar();
    }

    private static int NonQuery(SqliteCommand command, params object[] values)
    {
        Bind(command, values);
        return command.ExecuteNonQuery();
    }

    private static void Bind(SqliteCommand command, object[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i];
        }
    }

    /// <summary>A row of <c>bidlock_holds</c>.</summary>
    public sealed record Hold(string Holder, long Fence, long ExpiresAt);
}
