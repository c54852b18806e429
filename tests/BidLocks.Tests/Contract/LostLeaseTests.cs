using BidLocks.Tests.Support;
using Microsoft.Extensions.Logging;

namespace BidLocks.Tests.Contract;

/// <summary>
/// A lost lease says why, a forced release leaves who broke it for the broken holder's manager to
/// log and report, a zero timeout is one try, and ids with white space at either end are refused
/// before any I/O. On every backend.
/// </summary>
public abstract partial class BidLockManagerContract
{
    [Fact(Timeout = 60_000)]
    public async Task A_force_released_lease_is_logged_and_reported_with_who_broke_it_and_why()
    {
        var cancel = TestContext.Current.CancellationToken;
        var logs = new CapturingLoggerFactory();
        var manager = await CreateManagerAsync(options => options.LoggerFactory = logs);
        var operatorSide = await CreatePeerAsync(manager);

        // A short TTL so that the holder's renewal, which finds the lock gone, comes soon.
        var held = await manager.AcquireAsync(Marketplace, "broken", new BidLockAcquireOptions(Ttl: TimeSpan.FromMilliseconds(900)), cancel);
        var lost = new TaskCompletionSource();
        held.LostToken.Register(() => lost.TrySetResult());
        const string RequestedBy = "alice@ops-box (bidlocks release --force, pid 42, reason: stuck after a deploy)";
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        Assert.NotNull(await operatorSide.ForceReleaseAsync(Marketplace, "broken", RequestedBy, cancel));
        await lost.Task.WaitAsync(TimeSpan.FromSeconds(30), cancel);
        var exception = await held.CreateLostExceptionAsync(null);

        Assert.Equal(BidLockLossReason.ForceReleased, exception.Reason);
        Assert.Equal(RequestedBy, exception.ForcedBy);
        Assert.InRange(exception.ForcedAt!.Value, before, DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal((Marketplace, "broken", held.FencingToken), (exception.MarketplaceId, exception.PostingId, exception.FencingToken));
        Assert.Contains("force-released by " + RequestedBy, exception.Message);
        Assert.Contains(logs.Entries, entry => entry.Level == LogLevel.Warning && entry.Message.Contains("force-released by " + RequestedBy, StringComparison.Ordinal));
        await held.DisposeAsync();
    }

    [Fact(Timeout = 60_000)]
    public async Task A_lease_lost_without_a_forced_release_is_not_blamed_on_an_operator()
    {
        var cancel = TestContext.Current.CancellationToken;
        var manager = await CreateManagerAsync();
        var operatorSide = await CreatePeerAsync(manager);

        // The first hold is broken (its note names that holder only); the next holder loses its lock by its hold cap.
        var first = await manager.AcquireAsync(Marketplace, "capped", new BidLockAcquireOptions(Ttl: TimeSpan.FromMilliseconds(900)), cancel);
        Assert.NotNull(await operatorSide.ForceReleaseAsync(Marketplace, "capped", "ops@test", cancel));
        await first.DisposeAsync();
        var second = await InFreshFlow(() => manager.AcquireAsync(Marketplace, "capped", new BidLockAcquireOptions(Ttl: TimeSpan.FromMilliseconds(900), MaxHold: TimeSpan.FromSeconds(1)), cancel).AsTask());
        var lost = new TaskCompletionSource();
        second.LostToken.Register(() => lost.TrySetResult());

        await lost.Task.WaitAsync(TimeSpan.FromSeconds(30), cancel);
        var exception = await second.CreateLostExceptionAsync(null);

        Assert.Equal(BidLockLossReason.HoldCapped, exception.Reason);
        Assert.Null(exception.ForcedBy);
        await second.DisposeAsync();
    }

    [Fact(Timeout = 60_000)]
    public async Task A_zero_timeout_is_one_try_granted_when_free_and_refused_at_once_when_busy()
    {
        var cancel = TestContext.Current.CancellationToken;
        var manager = await CreateManagerAsync();
        var other = await CreatePeerAsync(manager);

        await using var granted = await manager.AcquireAsync(Marketplace, "zero", BidLockAcquireOptions.FromSeconds(timeoutSeconds: 0), cancel);
        Assert.True(granted.IsHeld);

        // Busy: refused without waiting for the holder (it holds for a TTL of 30 s, which the refusal must not wait out).
        var refused = await Assert.ThrowsAsync<BidLockTimeoutException>(() => InFreshFlow(() => other.AcquireAsync(Marketplace, "zero", BidLockAcquireOptions.FromSeconds(timeoutSeconds: 0), cancel).AsTask()));
        Assert.Equal(TimeSpan.Zero, refused.Timeout);
        Assert.True(granted.IsHeld);
    }

    [Theory(Timeout = 30_000)]
    [InlineData(" P-77")]
    [InlineData("P-77 ")]
    [InlineData("\tP-77")]
    public async Task An_id_with_white_space_at_either_end_is_refused_before_any_IO_naming_the_argument(string postingId)
    {
        var cancel = TestContext.Current.CancellationToken;
        var manager = await CreateManagerAsync();
        var attempts = manager.GetMetrics().LockAttempts;

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => manager.AcquireAsync(Marketplace, postingId, TimeSpan.Zero, cancel).AsTask());
        Assert.Equal("postingId", refused.ParamName);
        Assert.Contains("white space", refused.Message);
        Assert.Equal("marketplaceId", (await Assert.ThrowsAsync<ArgumentException>(() => manager.AcquireAsync(postingId, "p", TimeSpan.Zero, cancel).AsTask())).ParamName);
        Assert.Equal(attempts, manager.GetMetrics().LockAttempts);
    }
}
