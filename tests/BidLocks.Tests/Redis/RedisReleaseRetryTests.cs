using BidLocks.Tests.Metrics;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace BidLocks.Tests.Redis;

/// <summary>
/// The background resend of a release that failed for want of a connection (<see cref="RedisReleaseRetry"/>), driven
/// by a release step the test controls: it tries until one attempt gets an answer, and a new grant to the same holder
/// first stops it and waits for an attempt already on its way, so that a late release cannot delete the new hold.
/// </summary>
public sealed class RedisReleaseRetryTests
{
    private static readonly BidLockKey Key = BidLockKey.Create(BidLockDefaults.KeyPrefix, "mkt", "posting");

    [Fact(Timeout = 30_000)]
    public async Task A_release_is_sent_again_until_it_gets_an_answer()
    {
        var calls = 0;
        var answered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var retry = new RedisReleaseRetry(
            (_, _, _) =>
            {
                if (++calls < 3)
                {
                    throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, "no primary");
                }

                answered.TrySetResult();
                return ValueTask.FromResult(true);
            },
            TimeProvider.System,
            NullLogger.Instance);

        retry.Start(Key, "holder", TimeSpan.FromMinutes(1));
        await answered.Task.WaitAsync(TestContext.Current.CancellationToken);
        await retry.SettleAsync(Key, "holder");

        Assert.Equal(3, calls);
        Assert.False(retry.IsOwed(Key, "holder"));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_release_is_sent_again_for_as_long_as_the_hold_may_last_and_no_longer()
    {
        // A holder-named lock holds for MaxHold (5 minutes): giving up after a fixed minute left its posting blocked.
        var holdEndsWithin = TimeSpan.FromMinutes(5);
        var clock = new SteppedMonotonicClock();
        var tried = new SemaphoreSlim(0);
        using var retry = new RedisReleaseRetry(
            (_, _, _) =>
            {
                tried.Release();
                throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, "no primary");
            },
            clock,
            NullLogger.Instance);

        retry.Start(Key, "holder", holdEndsWithin);
        await tried.WaitAsync(TestContext.Current.CancellationToken);
        clock.Advance(TimeSpan.FromMinutes(2));
        // Two more tries: the one under way when the clock moved may have read it before.
        await tried.WaitAsync(TestContext.Current.CancellationToken);
        await tried.WaitAsync(TestContext.Current.CancellationToken);
        var owedAfterTwoMinutes = retry.IsOwed(Key, "holder");
        clock.Advance(holdEndsWithin);
        await retry.WhenEndedAsync(Key, "holder").WaitAsync(TestContext.Current.CancellationToken);

        Assert.True(owedAfterTwoMinutes, "gave up two minutes in, while the hold could last five");
        Assert.False(retry.IsOwed(Key, "holder"));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_new_grant_to_the_same_holder_waits_for_a_release_on_its_way_and_stops_the_rest()
    {
        var calls = 0;
        var second = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var answer = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var retry = new RedisReleaseRetry(
            async (_, _, _) =>
            {
                if (++calls == 1)
                {
                    throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, "no primary");
                }

                second.TrySetResult();
                return await answer.Task;
            },
            TimeProvider.System,
            NullLogger.Instance);

        retry.Start(Key, "holder", TimeSpan.FromMinutes(1));
        await second.Task.WaitAsync(TestContext.Current.CancellationToken);
        var settling = retry.SettleAsync(Key, "holder").AsTask();
        var settledEarly = settling.IsCompleted;
        answer.SetResult(true);
        await settling.WaitAsync(TestContext.Current.CancellationToken);

        Assert.False(settledEarly, "the grant did not wait for the release on its way");
        Assert.Equal(2, calls);
        Assert.False(retry.IsOwed(Key, "holder"));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_release_owed_to_another_holder_is_not_waited_for_and_a_refusal_ends_the_retry()
    {
        var refused = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var retry = new RedisReleaseRetry(
            (_, _, _) =>
            {
                refused.TrySetResult();
                throw new RedisServerException("NOPERM no permission");
            },
            TimeProvider.System,
            NullLogger.Instance);

        retry.Start(Key, "holder", TimeSpan.FromMinutes(1));
        var other = retry.SettleAsync(Key, "another holder");
        await refused.Task.WaitAsync(TestContext.Current.CancellationToken);
        await retry.SettleAsync(Key, "holder");

        Assert.True(other.IsCompletedSuccessfully);
        Assert.False(retry.IsOwed(Key, "holder"));
    }
}
