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
/// every race. A waiter's place lapses at its deadline unless it tries again.</para>
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

    /// <summary>
    /// Switches the file to WAL (it stays so) and creates or checks the tables, in one write transaction so that two
    /// processes starting together do not both create them.
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
            if (RefuseNewer(connection) < Version)
            {
                Execute(connection, CreateV1);
            }

            Execute(connection, "COMMIT");
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
