namespace BidLocks.Tests.Garnet;

/// <summary>
/// A Garnet that cannot run the lock must be refused when the manager starts, with a message that says what to
/// change, not fail (or misbehave) at the first bid. Each test starts its own Garnet with the setting in question.
/// </summary>
public sealed class GarnetStartupTests
{
    [Fact(Timeout = 60_000)]
    public async Task A_Garnet_without_Lua_is_refused_at_start_with_a_message_that_names_the_option()
    {
        await using var server = await GarnetServerProcess.StartAsync(lua: false);

        // Today the connect succeeds and every acquire fails closed with "ERR This instance has Lua scripting support
        // disabled"; the issue asks for the refusal at start.
        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var manager = await RedisBidLockManager.ConnectAsync(new BidLockOptions { RedisUrl = server.Url }, TestContext.Current.CancellationToken);
        });

        Assert.Contains("--lua", error.Message, StringComparison.Ordinal);
    }
}
