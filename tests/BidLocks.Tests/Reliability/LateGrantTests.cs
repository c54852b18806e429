using System.Diagnostics;
using System.Globalization;
using BidLocks.Tests.Redis;
using BidLocks.Tests.Support;

namespace BidLocks.Tests.Reliability;

/// <summary>
/// A grant whose answer reaches the client late (a slow network, a client stalled by GC or a starved thread pool): the
/// lease it returns has little of its TTL left, and must learn of its own end before, or when, another holder can be
/// granted the lock. Replies reach the first manager through a <see cref="DelayingTcpProxy"/> to a real redis-server.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class LateGrantTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan ReplyDelay = TimeSpan.FromMilliseconds(2700);
    private readonly string _marketplace = "mkt-" + Guid.NewGuid().ToString("N");

    [Fact(Timeout = 120_000)]
    public async Task A_grant_answered_late_is_not_held_once_another_manager_can_be_granted_the_lock()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var server = await RedisServerProcess.StartAsync();
        await using var proxy = DelayingTcpProxy.Start(server.Port);
        await using var late = await RedisBidLockManager.ConnectAsync(new BidLockOptions { RedisUrl = $"redis://127.0.0.1:{proxy.Port}" }, cancel);
        await using var other = await RedisTestConnections.ConnectAsync(server);

        // Scripts loaded while answers are prompt, so that the late grant is one delayed round trip.
        await (await late.AcquireAsync(_marketplace, "warm-up", cancellationToken: cancel)).ReleaseAsync();
        proxy.ReplyDelay = ReplyDelay;
        var asked = Stopwatch.GetTimestamp();
        var lease = await late.AcquireAsync(_marketplace, "late", new BidLockAcquireOptions(Timeout: TimeSpan.FromSeconds(20), Ttl: Ttl), cancel);
        var granted = Stopwatch.GetElapsedTime(asked);
        var lostAt = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        lease.LostToken.Register(() => lostAt.TrySetResult(Stopwatch.GetTimestamp()));

        // Waits in the lock's queue and is granted as soon as the server ends the first hold.
        var next = await other.AcquireAsync(_marketplace, "late", TimeSpan.FromSeconds(20), cancel);
        var nextAt = Stopwatch.GetTimestamp();
        var heldWhenNextGranted = lease.IsHeld;
        var lostWhenNextGranted = lease.LostToken.IsCancellationRequested;
        var lostAfterNext = Stopwatch.GetElapsedTime(nextAt, await lostAt.Task.WaitAsync(TimeSpan.FromSeconds(30), cancel));
        proxy.ReplyDelay = TimeSpan.Zero;

        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Grant answered {granted.TotalMilliseconds:F0} ms after the request (TTL {Ttl.TotalMilliseconds:F0} ms); next holder granted {Stopwatch.GetElapsedTime(asked, nextAt).TotalMilliseconds:F0} ms after it; "
                + $"at that moment IsHeld={heldWhenNextGranted}, LostToken fired={lostWhenNextGranted}; LostToken fired {lostAfterNext.TotalMilliseconds:F0} ms after the next grant."));
        Assert.True(granted >= ReplyDelay, $"the grant was not delayed ({granted})");
        Assert.False(heldWhenNextGranted, "the first lease still said IsHeld when another manager was granted its lock");
        // Its LostToken fires at its own expiry, before the server can hand the lock on; the slack is for a loaded
        // machine's late timer, short of the third of a TTL that the first renewal used to wait.
        Assert.True(lostWhenNextGranted || lostAfterNext < TimeSpan.FromMilliseconds(400), $"LostToken fired {lostAfterNext.TotalMilliseconds:F0} ms after another manager was granted the lock");
        Assert.True(lease.IsLost);
        Assert.True(next.FencingToken > lease.FencingToken);
        Assert.True(await next.ReleaseAsync());
    }
}
