using Microsoft.Data.Sqlite;

namespace BidLocks.Benchmarks.Contenders;

/// <summary>
/// The SQLite floor: what a hand-written lock row costs. Each worker has its own connection to one WAL file, opened
/// with the settings the SQLite backend uses (src/BidLocks/Stores/Sqlite/SqliteSessionPool.cs: no driver pooling, driver
/// timeout 1 s, busy_timeout 5 s, synchronous NORMAL; SqliteSchema.cs: journal_mode WAL), and its statements prepared
/// once. Per cycle: <c>BEGIN IMMEDIATE; INSERT; COMMIT</c>, then <c>BEGIN IMMEDIATE; DELETE … WHERE key AND holder;
/// COMMIT</c>. No fence, no expiry, no queue, no waiting.
/// </summary>
internal sealed class RawSqliteContender : Contender
{
    private readonly Worker[] _workers;

    public RawSqliteContender(string path, int workers)
    {
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 1,
        }.ToString();
        using (var setup = Open(connectionString))
        {
            Execute(setup, "PRAGMA journal_mode = WAL");
            Execute(setup, "CREATE TABLE IF NOT EXISTS t (key TEXT NOT NULL PRIMARY KEY, holder TEXT NOT NULL) WITHOUT ROWID");
        }

        _workers = [.. Enumerable.Range(0, workers).Select(worker => new Worker(Open(connectionString), Posting(worker)))];
    }

    public override string Name => "raw Microsoft.Data.Sqlite";

    public override bool CanWait => false;

    // Each worker's statements are prepared for its own posting: the SQLite section runs the fixed pattern only.
    public override Task CycleAsync(int worker, string posting)
    {
        _workers[worker].Cycle(Guid.NewGuid().ToString("N"));
        return Task.CompletedTask;
    }

    public override Task<Func<Task>> HoldAsync(int worker, string key) => throw new NotSupportedException("A bare INSERT cannot wait.");

    public override ValueTask DisposeAsync()
    {
        foreach (var worker in _workers)
        {
            worker.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private static SqliteConnection Open(string connectionString)
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        // The same busy wait the backend sets on each session (BidLockOptions.SqliteBusyTimeout, default 5 s).
        Execute(connection, "PRAGMA busy_timeout = 5000");
        Execute(connection, "PRAGMA synchronous = NORMAL");
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>One worker's connection and prepared statements; used by that worker only.</summary>
    private sealed class Worker : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteCommand _begin, _commit, _insert, _delete;

        public Worker(SqliteConnection connection, string key)
        {
            _connection = connection;
            _begin = Prepare("BEGIN IMMEDIATE");
            _commit = Prepare("COMMIT");
            _insert = Prepare("INSERT INTO t (key, holder) VALUES ($key, $holder)", key);
            _delete = Prepare("DELETE FROM t WHERE key = $key AND holder = $holder", key);
        }

        public void Cycle(string holder)
        {
            _insert.Parameters[1].Value = holder;
            _begin.ExecuteNonQuery();
            _insert.ExecuteNonQuery();
            _commit.ExecuteNonQuery();

            _delete.Parameters[1].Value = holder;
            _begin.ExecuteNonQuery();
            var deleted = _delete.ExecuteNonQuery();
            _commit.ExecuteNonQuery();
            if (deleted != 1)
            {
                throw new InvalidOperationException("A worker's own row was gone before its release.");
            }
        }

        public void Dispose()
        {
            foreach (var command in new[] { _begin, _commit, _insert, _delete })
            {
                command.Dispose();
            }

            _connection.Dispose();
        }

        private SqliteCommand Prepare(string sql, string? key = null)
        {
            var command = _connection.CreateCommand();
            command.CommandText = sql;
            if (key is not null)
            {
                command.Parameters.AddWithValue("$key", key);
                command.Parameters.Add(new SqliteParameter { ParameterName = "$holder", Value = string.Empty });
            }

            command.Prepare();
            return command;
        }
    }
}
