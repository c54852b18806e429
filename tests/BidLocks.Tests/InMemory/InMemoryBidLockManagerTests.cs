using BidLocks.Tests.Contract;

namespace BidLocks.Tests.InMemory;

/// <summary>The shared backend behaviour, against the in-process lock table.</summary>
public sealed class InMemoryBidLockManagerTests : BidLockManagerContract
{
    // Each in-memory manager is its own lock table: a second "instance" in one process shares the manager.
    protected override ValueTask<IBidLockManager> CreatePeerAsync(IBidLockManager first) => ValueTask.FromResult(first);

    protected override ValueTask<IBidLockManager> CreateBackendManagerAsync(BidLockOptions options)
        => ValueTask.FromResult<IBidLockManager>(new InMemoryBidLockManager(options));

    [Fact]
    public void Reports_its_backend_name()
    {
        Assert.Equal("in-memory", new InMemoryBidLockManager().Backend);
    }
}
