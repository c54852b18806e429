using System.Diagnostics;
using System.Globalization;
using BidLocks.Tests.Redis;

namespace BidLocks.Tests.Reliability;

/// <summary>
/// Redis frozen with SIGSTOP for longer than a lease's TTL, then resumed with SIGCONT, as a VM pause or a stalled
/// host would: the holder's renewals go unanswered, its <see cref="BidLockLease.LostToken"/> fires, and once Redis
/// runs again the lock goes to the next holder with a higher fence, so a fenced resource refuses the old holder's
/// late write.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class RedisPauseTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Ttl = TimeSpan.FromMilliseconds(1500);
    private readonly string _marketplace = "mkt-" + Guid.NewGuid().ToString("N");

    [Fact(Timeout = 120_000)]
    public async Task A_holder_paused_out_by_SIGSTOP_sees_LostToken_and_the_fence_decides_which_write_counts()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var server = await RedisServerProcess.StartAsync();
        await using var first = await RedisTestConnections.ConnectAsync(server);
        await using var second = await RedisTestConnections.ConnectAsync(server);
        var resource = new FencedResource();
        var lease = await first.AcquireAsync(_marketplace, "paused", new BidLockAcquireOptions(Ttl: Ttl), cancel);
        Assert.True(resource.TryWrite(lease.FencingToken, "first holder, in time"));
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lease.LostToken.Register(() => lost.TrySetResult());

        server.Pause();
        var pausedAt = Stopwatch.GetTimestamp();
        DateTimeOffset lostAt;
        try
        {
            await lost.Task.WaitAsync(TimeSpan.FromSeconds(60), cancel);
            lostAt = DateTimeOffset.UtcNow;
            // Paused for longer than a whole TTL in any case (a run length, not a wait for an event).
            var pausedFor = Stopwatch.GetElapsedTime(pausedAt);
            if (pausedFor < Ttl + TimeSpan.FromMilliseconds(500))
            {
                await Task.Delay(Ttl + TimeSpan.FromMilliseconds(500) - pausedFor, cancel);
            }
        }
        finally
        {
            server.Resume();
        }

        var pause = Stopwatch.GetElapsedTime(pausedAt);
        var lostAfterPause = lostAt - (DateTimeOffset.UtcNow - pause);
        var lostAfterExpiry = lostAt - lease.ExpiresAt;
        var next = await AcquireWhenAnsweredAsync(second, cancel);
        var nextWrote = resource.TryWrite(next.FencingToken, "next holder");
        // The first holder's body, unaware or ignoring LostToken, finishes its work late.
        var lateWrote = resource.TryWrite(lease.FencingToken, "first holder, late");

        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Redis paused {pause.TotalMilliseconds:F0} ms with a {Ttl.TotalMilliseconds:F0} ms lease: LostToken fired {lostAfterPause.TotalMilliseconds:F0} ms into the pause, "
                + $"{lostAfterExpiry.TotalMilliseconds:F0} ms after the lease's ExpiresAt; fences {lease.FencingToken} (paused out) < {next.FencingToken} (next)."));
        Assert.True(lease.IsLost);
        // At the lease's expiry, not when the client's 5 s command timeout gives up on the unanswered renewal; the
        // second of slack is for a loaded machine.
        Assert.True(lostAfterExpiry < TimeSpan.FromSeconds(1), $"LostToken fired {lostAfterExpiry} after the expiry");
        Assert.True(next.FencingToken > lease.FencingToken);
        Assert.True(nextWrote);
        Assert.False(lateWrote);
        Assert.Equal("next holder", resource.Value);
        Assert.Equal([lease.FencingToken, next.FencingToken], resource.Accepted.Select(write => write.Fence));
        Assert.False(await lease.ReleaseAsync());
        Assert.True(await next.ReleaseAsync());
    }

    [Fact(Timeout = 120_000)]
    public async Task A_grant_answered_only_after_its_TTL_ran_out_is_given_back_and_taken_again()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var server = await RedisServerProcess.StartAsync();
        await using var manager = await RedisTestConnections.ConnectAsync(server);
        using var raw = await RedisTestConnections.RawAsync(server);
        var ttl = TimeSpan.FromSeconds(1);
        var stall = TimeSpan.FromSeconds(2);

        // The request reaches a frozen server: by the time its answer comes back, a TTL timed from the request is over.
        server.Pause();
        Task<BidLockLease> acquire;
        try
        {
            acquire = Task.Run(async () => await manager.AcquireAsync(_marketplace, "late-grant", new BidLockAcquireOptions(Timeout: TimeSpan.FromSeconds(20), Ttl: ttl), cancel), cancel);
            await Task.Delay(stall, cancel); // the stall itself
        }
        finally
        {
            server.Resume();
        }

        var lease = await acquire;
        var now = DateTimeOffset.UtcNow;

        Assert.True(lease.ExpiresAt > now, $"returned a lease that expired at {lease.ExpiresAt:O}, at {now:O}");
        Assert.True(lease.IsHeld);
        var value = (string?)await raw.GetDatabase().StringGetAsync(RedisTestConnections.LockKey(_marketplace, "late-grant"));
        Assert.EndsWith(lease.HolderId, value);
        Assert.True(await lease.ReleaseAsync());
    }

    [Fact(Timeout = 120_000)]
    public async Task A_named_holder_whose_second_ask_times_out_while_Redis_is_paused_keeps_the_lock()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var server = await RedisServerProcess.StartAsync();
        await using var manager = await RedisTestConnections.ConnectAsync(server);
        await using var rival = await RedisTestConnections.ConnectAsync(server);
        Assert.True(await manager.AcquireLockAsync(_marketplace, "asked-again", "holder-1", TimeSpan.Zero, cancel));

        // Asking again (which keeps the lock) reaches a frozen server: the client gives up on it (its command timeout),
        // and the server runs it, and the failed call's abandon behind it, once it is resumed.
        server.Pause();
        try
        {
            await Assert.ThrowsAsync<BidLockUnavailableException>(async () => await manager.AcquireLockAsync(_marketplace, "asked-again", "holder-1", TimeSpan.FromSeconds(30), cancel));
        }
        finally
        {
            server.Resume();
        }

        Assert.False(await rival.AcquireLockAsync(_marketplace, "asked-again", "holder-2", TimeSpan.FromSeconds(3), cancel), "another holder got the lock while holder-1 still held it");
        Assert.True(await manager.ReleaseLockAsync(_marketplace, "asked-again", "holder-1", cancel), "holder-1 no longer held the lock it had before asking again");
    }

    private async Task<BidLockLease> AcquireWhenAnsweredAsync(IBidLockManager manager, CancellationToken cancel)
    {
        // Requests queued during the pause may still time out just after it; bounded retries until the server answers.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await manager.AcquireAsync(_marketplace, "paused", TimeSpan.FromSeconds(10), cancel);
            }
            catch (BidLockUnavailableException) when (attempt < 50)
            {
                await Task.Delay(100, cancel);
            }
        }
    }
}
