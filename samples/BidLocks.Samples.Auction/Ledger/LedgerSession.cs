using Microsoft.Data.Sqlite;

namespace BidLocks.Samples.Auction.Ledger;

/// <summary>One bid loop's connection to the ledger: the two calls of a bid, read top and place.</summary>
public sealed class LedgerSession : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _readTop;
    private readonly SqliteCommand _insert;

    internal LedgerSession(SqliteConnection connection)
    {
        _connection = connection;
        _readTop = connection.CreateCommand();
        _readTop.CommandText = "SELECT round, amount_cents FROM bids WHERE posting = $posting ORDER BY round DESC, id DESC LIMIT 1;";
        _readTop.Parameters.Add("$posting", SqliteType.Text);

        _insert = connection.CreateCommand();
        _insert.CommandText = """
            INSERT INTO bids (posting, round, amount_cents, instance, worker, fencing_token)
            VALUES ($posting, $round, $amount, $instance, $worker, $fence);
            """;
        foreach (var (name, type) in new[] { ("$posting", SqliteType.Text), ("$round", SqliteType.Integer), ("$amount", SqliteType.Integer), ("$instance", SqliteType.Integer), ("$worker", SqliteType.Integer), ("$fence", SqliteType.Integer) })
        {
            _insert.Parameters.Add(name, type);
        }
    }

    /// <summary>The posting's top bid, or null when it has none. Its own statement: nothing holds between this and the insert.</summary>
    public async Task<TopBid?> ReadTopBidAsync(string postingId, CancellationToken cancellationToken)
    {
        _readTop.Parameters["$posting"].Value = postingId;
        await using var reader = await _readTop.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? new TopBid(reader.GetInt64(0), reader.GetInt64(1)) : null;
    }

    /// <summary>Records a bid, whatever is already there: the marketplace does not check (see <see cref="MarketplaceLedger"/>).</summary>
    public async Task InsertBidAsync(LedgerBid bid, CancellationToken cancellationToken)
    {
        _insert.Parameters["$posting"].Value = bid.PostingId;
        _insert.Parameters["$round"].Value = bid.Round;
        _insert.Parameters["$amount"].Value = bid.AmountCents;
        _insert.Parameters["$instance"].Value = bid.Instance;
        _insert.Parameters["$worker"].Value = bid.Worker;
        _insert.Parameters["$fence"].Value = (object?)bid.FencingToken ?? DBNull.Value;
        await _insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        _readTop.Dispose();
        _insert.Dispose();
        _connection.Dispose();
    }
}
