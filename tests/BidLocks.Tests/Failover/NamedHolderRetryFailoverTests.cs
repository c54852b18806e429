using System.Diagnostics;
using System.Globalization;
using BidLocks.Tests.Redis;
using BidLocks.Tests.Reliability;

namespace BidLocks.Tests.Failover;

/// <summary>
/// A holder-named acquire under <see cref="BidLockOptions.MinReplicas"/> = 1 while the replica is silent (SIGSTOPped):
/// the grant is not acknowledged, so the call fails closed and its attempt is abandoned in the background. The caller
/// tries again at once, after the replica answers again, and gets the lock: the late abandon of the failed call must
/// not take that new hold away.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class NamedHolderRetryFailoverTests(ITestOutputHelper output)
{
    // The abandon and the retry race inside the client; each round is one more chance for the abandon to come last.
    private const int Rounds = 10;
    private readonly string _marketplace = "mkt-" + Guid.NewGuid().ToString("N");

    [Fact(Timeout = 180_000)]
    public async Task A_retry_granted_after_an_unacknowledged_grant_keeps_the_lock()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var redis = await ReplicatedRedis.StartAsync(replicas: 1);
        var replica = redis.Replicas[0];
        await using var manager = await RedisTestConnections.ConnectAsync(redis.Primary, options =>
        {
            options.MinReplicas = 1;
            options.MinReplicasTimeout = TimeSpan.FromMilliseconds(300);
        });
        await using var rival = await RedisTestConnections.ConnectAsync(redis.Primary);

        for (var round = 1; round <= Rounds; round++)
        {
            var posting = "retried-" + round.ToString(CultureInfo.InvariantCulture);
            replica.Pause();
            try
            {
                await Assert.ThrowsAsync<BidLockUnavailableException>(async () => await manager.AcquireLockAsync(_marketplace, posting, "holder-1", TimeSpan.FromSeconds(5), cancel));
            }
            finally
            {
                replica.Resume();
            }

            var refused = await AcquireOnceAcknowledgedAsync(manager, posting, cancel);
            var rivalGotIt = await rival.AcquireLockAsync(_marketplace, posting, "holder-2", TimeSpan.FromSeconds(1), cancel);
            var stillHeld = await manager.ReleaseLockAsync(_marketplace, posting, "holder-1", cancel);
            output.WriteLine($"round {round}: retry granted after {refused} more refusal(s); rival got the lock: {rivalGotIt}; holder-1 still held it: {stillHeld}");
            Assert.False(rivalGotIt, $"round {round}: another holder got the lock while holder-1 held it");
            Assert.True(stillHeld, $"round {round}: the late abandon removed the hold the retry got");
        }
    }

    /// <summary>Asks until a grant is acknowledged (a resumed replica may still be catching up); how many were refused first.</summary>
    private async Task<int> AcquireOnceAcknowledgedAsync(IBidLockManager manager, string posting, CancellationToken cancel)
    {
        var started = Stopwatch.GetTimestamp();
        for (var refused = 0; ; refused++)
        {
            try
            {
                Assert.True(await manager.AcquireLockAsync(_marketplace, posting, "holder-1", TimeSpan.FromSeconds(5), cancel));
                return refused;
            }
            catch (BidLockUnavailableException) when (Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(30))
            {
            }
        }
    }
}
