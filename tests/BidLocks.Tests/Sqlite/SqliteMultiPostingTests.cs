using BidLocks.Tests.Contract.Multi;

namespace BidLocks.Tests.Sqlite;

/// <summary>Multi-posting locks against a real SQLite file; a peer is a second manager on it, as a second process would be.</summary>
public sealed class SqliteMultiPostingTests : MultiPostingContract
{
    private readonly TempDatabase _database = new();

    // A release writes SQLite's hint file only for a queued waiter, so a set waits in line from its first try.
    protected override bool SetsLookFirst => false;

    protected override ValueTask<IBidLockManager> CreateBackendManagerAsync(BidLockOptions options)
        => ValueTask.FromResult<IBidLockManager>(new SqliteBidLockManager(_database.Path, options));

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _database.Dispose();
    }
}
