namespace BidLocks.Tests.Garnet;

/// <summary>
/// Garnet 2.2.8 has no <c>WAIT</c>, so <see cref="BidLockOptions.MinReplicas"/> cannot be kept there: the manager is
/// refused at start, saying why, rather than fail every bid.
/// </summary>
public sealed class GarnetMinReplicasTests
{
    [Fact(Timeout = 60_000)]
    public async Task MinReplicas_on_a_Garnet_is_refused_at_start_naming_WAIT()
    {
        await using var server = await GarnetServerProcess.StartAsync();

        var error = await Assert.ThrowsAsync<BidLockUnavailableException>(async () =>
        {
            await using var manager = await RedisBidLockManager.ConnectAsync(
                new BidLockOptions { RedisUrl = server.Url, GarnetLuaTransactionMode = true, MinReplicas = 1 },
                TestContext.Current.CancellationToken);
        });

        Assert.Contains("MinReplicas=1 needs the WAIT command", error.Message, StringComparison.Ordinal);
        Assert.Contains("ERR unknown command", error.Message, StringComparison.Ordinal);
    }
}
