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

        var error = await Assert.ThrowsAsync<BidLockUnavailableException>(async () =>
        {
            await using var manager = await RedisBidLockManager.ConnectAsync(new BidLockOptions { RedisUrl = server.Url, GarnetLuaTransactionMode = true }, TestContext.Current.CancellationToken);
        });

        Assert.Contains("runs no Lua scripts", error.Message, StringComparison.Ordinal);
        Assert.Contains("--lua", error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_Garnet_whose_script_transaction_mode_is_not_confirmed_is_refused_at_start()
    {
        await using var server = await GarnetServerProcess.StartAsync();

        // Garnet started right, but nobody said so: a client cannot see --lua-transaction-mode, and without it the
        // lock would not exclude, so the manager refuses rather than guess.
        var error = await Assert.ThrowsAsync<BidLockUnavailableException>(async () =>
        {
            await using var manager = await RedisBidLockManager.ConnectAsync(new BidLockOptions { RedisUrl = server.Url, GarnetLuaTransactionMode = false }, TestContext.Current.CancellationToken);
        });

        Assert.Contains("Garnet 2.2.8", error.Message, StringComparison.Ordinal);
        Assert.Contains("--lua-transaction-mode", error.Message, StringComparison.Ordinal);
        Assert.Contains("GarnetLuaTransactionMode", error.Message, StringComparison.Ordinal);
    }

    // The factory called this refusal "unreachable" and, in Development, ran on SQLite instead.
    [Fact(Timeout = 60_000)]
    public async Task A_refused_Garnet_fails_the_factory_start_as_a_refusal_and_never_falls_back()
    {
        await using var server = await GarnetServerProcess.StartAsync();
        using var database = new Sqlite.TempDatabase();
        var environment = Support.TestEnvironment.Of(
            ("REDIS_URL", server.Url), ("DOTNET_ENVIRONMENT", "Development"), ("BIDLOCKS_ALLOW_SQLITE_FALLBACK", "true"));

        var error = await Assert.ThrowsAsync<BidLockUnavailableException>(async () =>
        {
            await using var manager = await BidLockManagerFactory.CreateAsync(new BidLockOptions { SqlitePath = database.Path }, environment, TestContext.Current.CancellationToken);
        });

        Assert.Contains("refuses the server", error.Message, StringComparison.Ordinal);
        Assert.Contains("--lua-transaction-mode", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("unreachable", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(database.Path), "no SQLite file was opened");
    }
}
