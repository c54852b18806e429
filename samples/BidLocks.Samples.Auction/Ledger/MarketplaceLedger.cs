using Microsoft.Data.Sqlite;

namespace BidLocks.Samples.Auction.Ledger;

/// <summary>
/// The marketplace's record of bids: its own SQLite file, which the lock never reads or writes, so that what it
/// shows at the end is evidence about the lock rather than part of it.
/// </summary>
/// <remarks>
/// Deliberately naive, like the marketplace API a bidding service talks to: no uniqueness on (posting, round), no
/// transaction around read-then-write. A duplicate bid is therefore stored, not refused, and the audit counts it.
/// </remarks>
public static class MarketplaceLedger
{
    /// <summary>Creates the ledger file and its table. The coordinator does this once, before any bidder starts.</summary>
    public static void Create(string path)
    {
        using var connection = Open(path, create: true);
        Execute(connection, "PRAGMA journal_mode = WAL;");
        Execute(connection, """
            CREATE TABLE IF NOT EXISTS bids (
                id            INTEGER PRIMARY KEY,
                posting       TEXT    NOT NULL,
                round         INTEGER NOT NULL,
                amount_cents  INTEGER NOT NULL,
                instance      INTEGER NOT NULL,
                worker        INTEGER NOT NULL,
                fencing_token INTEGER,
                placed_at     TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f', 'now'))
            );
            -- For the top-bid read and the audit; deliberately not UNIQUE (see the class remarks).
            CREATE INDEX IF NOT EXISTS bids_by_posting_round ON bids (posting, round);
            """);
    }

    /// <summary>A connection for one bid loop: each loop keeps its own, as each instance of a client would.</summary>
    public static LedgerSession OpenSession(string path) => new(Open(path, create: false));

    internal static SqliteConnection Open(string path, bool create)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = create ? SqliteOpenMode.ReadWriteCreate : SqliteOpenMode.ReadWrite,
            // Many processes write this file at once; a write waits for the others instead of failing with
            // SQLITE_BUSY. Generous, because a loaded two-core machine can stall a writer for a while.
            DefaultTimeout = 60,
            Pooling = false,
        }.ToString());
        connection.Open();
        Execute(connection, "PRAGMA busy_timeout = 60000; PRAGMA synchronous = NORMAL;");
        return connection;
    }

    internal static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
