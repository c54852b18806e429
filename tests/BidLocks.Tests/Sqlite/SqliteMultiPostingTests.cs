using BidLocks.Tests.Contract.Multi;

namespace BidLocks.Tests.Sqlite;

/// <summary>Multi-posting locks against a real SQLite file; a peer is a second manager on it, as a second process would be.</summary>
public sealed class SqliteMultiPostingTests : MultiPostingContract
{
    private readonly TempDatabase _database = new();

    protected override ValueTask<IBidLockManager> CreateBackendManagerAsync(BidLockOptions options)
        => ValueTask.FromResult<IBidLockManager>(new SqliteBidLockManager(_database.Path, options));

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _database.Dispose();
    }
}
