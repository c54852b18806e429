using BidLocks.Tests.Contract.Multi;

namespace BidLocks.Tests.InMemory;

/// <summary>Multi-posting locks against the in-process lock table.</summary>
public sealed class InMemoryMultiPostingTests : MultiPostingContract
{
    // Each in-memory manager is its own lock table: a second "instance" in one process shares the manager.
    protected override ValueTask<IBidLockManager> CreatePeerAsync(IBidLockManager first) => ValueTask.FromResult(first);

    // Single waiters stand only in the manager's own line here, so sets wait in line from their first try.
    protected override bool SetsLookFirst => false;

    protected override ValueTask<IBidLockManager> CreateBackendManagerAsync(BidLockOptions options)
        => ValueTask.FromResult<IBidLockManager>(new InMemoryBidLockManager(options));
}
