using Microsoft.Data.Sqlite;

namespace BidLocks.Samples.Auction.Ledger;

/// <summary>What the ledger shows after the run.</summary>
/// <param name="Bids">Bids recorded.</param>
/// <param name="DuplicateBids">Bids for a (posting, round) that already had a bid: each one a bid placed on a stale read.</param>
/// <param name="DuplicateRounds">(posting, round) pairs with more than one bid.</param>
/// <param name="CrossProcessRounds">Of those, the ones whose bids came from more than one bidder process.</param>
/// <param name="Example">One duplicated round, described, or null.</param>
/// <param name="MinFencingToken">Lowest fencing token recorded, or null without the lock.</param>
/// <param name="MaxFencingToken">Highest fencing token recorded, or null without the lock.</param>
/// <param name="FenceOrderViolations">
/// Bids whose fencing token is not above the token of the previous round on the same posting. The lock's tokens
/// increase with every acquire, and each round is placed under a later acquire than the one before, so this is 0 with
/// a working lock.
/// </param>
public sealed record AuditResult(
    long Bids,
    long DuplicateBids,
    long DuplicateRounds,
    long CrossProcessRounds,
    string? Example,
    long? MinFencingToken,
    long? MaxFencingToken,
    long FenceOrderViolations);

/// <summary>
/// Finds duplicate bids in the ledger after the run, from the bids alone: it does not ask the lock anything, so a lock
/// that let two bidders in at once cannot hide it.
/// </summary>
public static class LedgerAudit
{
    public static AuditResult Run(string path)
    {
        using var connection = MarketplaceLedger.Open(path, create: false);

        var bids = Scalar(connection, "SELECT COUNT(*) FROM bids;") ?? 0;

        // A duplicate: two or more bids that each claim to be the same round of the same posting.
        const string Duplicated = "SELECT posting, round, COUNT(*) AS n, COUNT(DISTINCT instance) AS processes FROM bids GROUP BY posting, round HAVING COUNT(*) > 1";
        var duplicateBids = Scalar(connection, $"SELECT COALESCE(SUM(n - 1), 0) FROM ({Duplicated});") ?? 0;
        var duplicateRounds = Scalar(connection, $"SELECT COUNT(*) FROM ({Duplicated});") ?? 0;
        var crossProcess = Scalar(connection, $"SELECT COUNT(*) FROM ({Duplicated}) WHERE processes > 1;") ?? 0;

        var minFence = Scalar(connection, "SELECT MIN(fencing_token) FROM bids;");
        var maxFence = Scalar(connection, "SELECT MAX(fencing_token) FROM bids;");
        var violations = Scalar(connection, """
            SELECT COUNT(*) FROM (
                SELECT fencing_token, LAG(fencing_token) OVER (PARTITION BY posting ORDER BY round, id) AS previous
                FROM bids WHERE fencing_token IS NOT NULL)
            WHERE previous IS NOT NULL AND fencing_token <= previous;
            """) ?? 0;

        return new AuditResult(bids, duplicateBids, duplicateRounds, crossProcess, Example(connection, Duplicated), minFence, maxFence, violations);
    }

    private static string? Example(SqliteConnection connection, string duplicated)
    {
        // Prefer a round that two processes both bid: that is the case a lock inside one process could not prevent.
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT d.posting, d.round, group_concat('bidder ' || b.instance || '/worker ' || b.worker || ' at $' || printf('%.2f', b.amount_cents / 100.0), ', ')
            FROM (SELECT * FROM ({duplicated}) ORDER BY processes DESC, posting, round LIMIT 1) AS d
            JOIN bids AS b ON b.posting = d.posting AND b.round = d.round
            GROUP BY d.posting, d.round;
            """;
        using var reader = command.ExecuteReader();
        return reader.Read() ? $"{reader.GetString(0)} round {reader.GetInt64(1)}: {reader.GetString(2)}" : null;
    }

    private static long? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar() is long value ? value : null;
    }
}
