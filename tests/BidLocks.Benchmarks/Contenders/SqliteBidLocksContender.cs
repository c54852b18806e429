namespace BidLocks.Benchmarks.Contenders;

/// <summary><see cref="SqliteBidLockManager"/> with its default options (fenced), called by hand on the worker's own posting.</summary>
internal sealed class SqliteBidLocksContender(SqliteBidLockManager manager) : Contender
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    public override string Name => "SqliteBidLockManager";

    public override async Task CycleAsync(int worker, string posting)
    {
        await using var lease = await manager.AcquireAsync("bench", posting, Wait);
    }

    // Hand-off on SQLite is measured across processes (SqliteHandOffRun), where its queue matters.
    public override bool CanWait => false;

    public override Task<Func<Task>> HoldAsync(int worker, string key) => throw new NotSupportedException();

    public override ValueTask DisposeAsync() => manager.DisposeAsync();
}
