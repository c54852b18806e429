namespace BidLocks.Tests;

public sealed class BidLockManagerFactoryTests
{
    [Fact]
    public async Task The_shared_manager_is_one_instance_however_many_ask_at_once()
    {
        var managers = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(async () => await BidLockManagerFactory.GetSharedAsync(TestContext.Current.CancellationToken))));

        Assert.Single(managers.Distinct());
    }

    [Fact]
    public async Task Invalid_options_are_rejected_by_name()
    {
        var error = await Assert.ThrowsAnyAsync<ArgumentException>(async () => await BidLockManagerFactory.CreateAsync(new BidLockOptions { KeyPrefix = "bad{prefix" }, TestContext.Current.CancellationToken));

        Assert.Equal(nameof(BidLockOptions.KeyPrefix), error.ParamName);
    }
}
