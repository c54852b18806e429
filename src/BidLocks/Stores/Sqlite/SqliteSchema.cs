using Microsoft.Data.Sqlite;

namespace BidLocks;

/// <summary>
/// The tables of the SQLite lock, created on first use and versioned with <c>PRAGMA user_version</c>.
/// </summary>
/// <remarks>
/// <para><c>bidlock_holds</c>: one row per held lock (holder, fence, expiry in Unix ms).</para>
/// <para><c>bidlock_fences</c>: the last fence handed out per lock. Release and cleanup never touch it, so a fence never
/// goes back; rows idle for a week are pruned, which is safe because a new fence is also floored by the clock.</para>
/// <para><c>bidlock_waiters</c>: the cross-process queue. A waiter that found the lock busy takes a ticket; a free lock
/// goes to the live waiter with the lowest ticket, so processes take turns instead of the releasing process winning
/// every race. A waiter's place lapses at its deadline unless it tries again; its <c>process</c>
/// (<see cref="WaiterProcess"/>) lets the next try drop the places of a process that no longer exists at once.</para>
/// </remarks>
internal static class SqliteSchema
{
    /// <summary>The schema version this code writes and understands.</summary>
    public const int Version = 1;

    private const string CreateV1 = """
        CREATE TABLE IF NOT EXISTS bidlock_holds (
            key TEXT NOT NULL PRIMARY KEY,
            holder TEXT NOT NULL,
            fence INTEGER NOT NULL,
            expires_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS bidlock_holds_expiry ON bidlock_holds (expires_at);
        CREATE TABLE IF NOT EXISTS bidlock_fences (
            key TEXT NOT NULL PRIMARY KEY,
            last INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS bidlock_waiters (
            ticket INTEGER PRIMARY KEY,
            key TEXT NOT NULL,
            holder TEXT NOT NULL,
            deadline INTEGER NOT NULL,
            UNIQUE (key, holder)
        );
        CREATE INDEX IF NOT EXISTS bidlock_waiters_queue ON bidlock_waiters (key, ticket);
        PRAGMA user_version = 1;
        """;

    // Added to version 1 rather than making a version 2: the column is nullable and code that does not know it never
    // reads it, so processes not yet upgraded keep sharing the file (a newer version would stop them at their start).
    private const string AddWaiterProcess = "ALTER TABLE bidlock_waiters ADD COLUMN process TEXT";

    // Also added to version 1, for the same reason: who broke a lock (a forced release), kept for its broken holder.
    // Code that does not know the table never reads or writes it.
    private const string AddBreaks = "CREATE TABLE bidlock_breaks (key TEXT NOT NULL PRIMARY KEY, holder TEXT NOT NULL, note TEXT NOT NULL, expires_at INTEGER NOT NULL) WITHOUT ROWID";

    // Also added to version 1: the keys a set that only looks waits to hear released (a release of such a key writes
    // the hint file as for a queued waiter). Older code never reads it: its releases of a watched key write no hint,
    // and the set then looks again after its pause.
    private const string AddWatchers = "CREATE TABLE bidlock_watchers (key TEXT NOT NULL PRIMARY KEY, until INTEGER NOT NULL) WITHOUT ROWID";

    /// <summary>
    /// Switches the file to WAL (it stays so) and creates or checks the tables, in one write transaction so that two
    /// processes starting together do not both create them. The transaction writes even when there is nothing to
    /// create, and rolls that back: SQLite opens a file it may not write read-only without a word, and a transaction
    /// that writes nothing succeeds on it, so only a write finds out at start rather than at the first bid.
    /// </summary>
    public static void Ensure(SqliteConnection connection)
    {
        // A newer schema is refused before anything is written, even the journal mode.
        RefuseNewer(connection);
        if (!string.Equals(Scalar(connection, "PRAGMA journal_mode") as string, "wal", StringComparison.OrdinalIgnoreCase))
        {
            var mode = Scalar(connection, "PRAGMA journal_mode = WAL") as string;
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"the database refused write-ahead logging (journal mode stays '{mode}')");
            }
        }

        Execute(connection, "BEGIN IMMEDIATE");
        try
        {
            // Again under the write lock: another process may have created the tables meanwhile.
            var changed = false;
            if (RefuseNewer(connection) < Version)
            {
                Execute(connection, CreateV1);
                changed = true;
            }

            if (Convert.ToInt64(Scalar(connection, "SELECT count(*) FROM pragma_table_info('bidlock_waiters') WHERE name = 'process'"), System.Globalization.CultureInfo.InvariantCulture) == 0)
            {
                Execute(connection, AddWaiterProcess);
                changed = true;
            }

            if (Convert.ToInt64(Scalar(connection, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'bidlock_breaks'"), System.Globalization.CultureInfo.InvariantCulture) == 0)
            {
                Execute(connection, AddBreaks);
                changed = true;
            }

            if (Convert.ToInt64(Scalar(connection, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'bidlock_watchers'"), System.Globalization.CultureInfo.InvariantCulture) == 0)
            {
                Execute(connection, AddWatchers);
                changed = true;
            }

            if (changed)
            {
                Execute(connection, "COMMIT");
            }
            else
            {
                // Writes the header page (the same value): refused on a file this process cannot write.
                Execute(connection, $"PRAGMA user_version = {Version}");
                Execute(connection, "ROLLBACK");
            }
        }
        catch
        {
            TryRollback(connection);
            throw;
        }
    }

    private static int RefuseNewer(SqliteConnection connection)
    {
        var version = Convert.ToInt32(Scalar(connection, "PRAGMA user_version"), System.Globalization.CultureInfo.InvariantCulture);
        return version > Version
            ? throw new InvalidOperationException($"its schema is version {version}, newer than this BidLocks understands ({Version}): upgrade BidLocks in every process that shares it")
            : version;
    }

    private static void TryRollback(SqliteConnection connection)
    {
        try
        {
            Execute(connection, "ROLLBACK");
        }
        catch (SqliteException)
        {
            // SQLite already ended the transaction; the original error is the one to report.
        }
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
