namespace BidLocks.Tests.Contract;

public abstract partial class BidLockManagerContract
{
    [Theory(Timeout = 30_000)]
    [InlineData("+holder")]
    [InlineData("~")]
    [InlineData("~holder")]
    public async Task Holder_ids_that_begin_with_a_lock_value_mark_are_rejected_before_any_io(string holderId)
    {
        var manager = await CreateManagerAsync();

        var acquire = await Assert.ThrowsAsync<ArgumentException>(async () => await manager.AcquireLockAsync(Marketplace, "marked", holderId, TimeSpan.Zero, TestContext.Current.CancellationToken));
        var release = await Assert.ThrowsAsync<ArgumentException>(async () => await manager.ReleaseLockAsync(Marketplace, "marked", holderId, TestContext.Current.CancellationToken));
        var instance = Assert.Throws<ArgumentException>(() => new BidLockOptions { InstanceId = holderId }.Validate());

        Assert.Equal("holderId", acquire.ParamName);
        Assert.Equal("holderId", release.ParamName);
        Assert.Equal("InstanceId", instance.ParamName);
        Assert.Equal(0, manager.GetMetrics().LockAttempts);
        Assert.True(await manager.AcquireLockAsync(Marketplace, "marked", "holder+~", TimeSpan.Zero, TestContext.Current.CancellationToken));
        Assert.True(await manager.ReleaseLockAsync(Marketplace, "marked", "holder+~", TestContext.Current.CancellationToken));
    }
}
