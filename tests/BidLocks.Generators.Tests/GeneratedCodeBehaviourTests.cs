using BidLocks.Generators.Tests.Infrastructure;

namespace BidLocks.Generators.Tests;

/// <summary>
/// The generated code, compiled and run against the in-memory lock: it really serializes one posting, lets
/// different postings run together, releases on every path, checks keys before any I/O, times out without running
/// the body, and hands the body a token that fires when the caller cancels.
/// </summary>
/// <remarks>
/// Synchronisation is by TaskCompletionSource gates and the manager's own counters, never by sleeping: each test
/// waits for the state it needs and fails only when that state does not arrive within a generous limit.
/// </remarks>
public sealed class GeneratedCodeBehaviourTests : IDisposable
{
    private const string Source = """
        namespace Probe
        {
            public sealed record Posting(string? Id);

            public partial class Bidder(IBidLockManager locks, Func<string, CancellationToken, Task<int>> body)
            {
                // Counted, so a test can show that a bad key fails before the manager is even read.
                public int ManagerReads { get; private set; }

                private IBidLockManager Locks
                {
                    get
                    {
                        ManagerReads++;
                        return locks;
                    }
                }

                [BidLock("{marketplaceId}", "{posting.Id}", TimeoutSeconds = 60)]
                public partial Task<int> BidAsync(string marketplaceId, Posting posting, CancellationToken cancellationToken);

                private Task<int> BidAsyncCore(string marketplaceId, Posting posting, CancellationToken cancellationToken)
                    => body(posting.Id!, cancellationToken);

                [BidLock("{marketplaceId}", "{postingId}", TimeoutSeconds = 0.2)]
                public partial Task<int> QuickBidAsync(string marketplaceId, string postingId, CancellationToken cancellationToken);

                private Task<int> QuickBidAsyncCore(string marketplaceId, string postingId, CancellationToken cancellationToken)
                    => body(postingId, cancellationToken);

                [BidLock("{marketplaceId}", "n{postingNumber}")]
                public partial Task<long> NumberedBidAsync(string marketplaceId, in long postingNumber);

                private Task<long> NumberedBidAsyncCore(string marketplaceId, in long postingNumber, BidLockLease lease)
                    => Task.FromResult(lease.PostingId == "n" + postingNumber ? lease.FencingToken : -1);
            }

            // A short TTL, so that a forced release is noticed at the next renewal, a fraction of a second later.
            public partial class ShortLeaseBidder(IBidLockManager locks, Func<CancellationToken, Task<int>> body)
            {
                [BidLock("m", "{postingId}", TtlSeconds = 0.9, TimeoutSeconds = 0)]
                public partial Task<int> BidAsync(string postingId, CancellationToken cancellationToken);

                private Task<int> BidAsyncCore(string postingId, CancellationToken cancellationToken) => body(cancellationToken);
            }

            // The manager is only a primary-constructor parameter, read from the generated partial declaration.
            public partial class PrimaryConstructorBidder(IBidLockManager locks)
            {
                [BidLock("m", "{postingId}")]
                public partial Task<long> BidAsync(string postingId);

                private Task<long> BidAsyncCore(string postingId, BidLockLease lease) => Task.FromResult(lease.FencingToken);
            }
        }
        """;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly GeneratedAssembly _assembly = GeneratedAssembly.Compile(Source);
    private readonly InMemoryBidLockManager _manager = new();

    public void Dispose()
    {
        _manager.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _assembly.Dispose();
    }

    [Fact]
    public async Task Two_calls_on_one_posting_run_one_after_the_other()
    {
        var firstEntered = NewGate();
        var releaseFirst = NewGate();
        var secondEntered = NewGate();
        int calls = 0;
        object bidder = NewBidder(async (_, _) =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                firstEntered.SetResult();
                await releaseFirst.Task;
            }
            else
            {
                secondEntered.SetResult();
            }

            return 0;
        });

        Task<int> first = Bid(bidder, "p1", TestContext.Current.CancellationToken);
        await firstEntered.Task.WaitAsync(Patience, TestContext.Current.CancellationToken);
        Task<int> second = Bid(bidder, "p1", TestContext.Current.CancellationToken);

        // The manager counts a conflict once the second call found the lock taken and started to wait.
        await WaitUntilAsync(() => _manager.GetMetrics().LockConflicts >= 1);
        Assert.False(secondEntered.Task.IsCompleted, "The second call entered its body while the first held the lock.");

        releaseFirst.SetResult();
        await secondEntered.Task.WaitAsync(Patience, TestContext.Current.CancellationToken);
        await Task.WhenAll(first, second).WaitAsync(Patience, TestContext.Current.CancellationToken);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task Calls_on_different_postings_run_at_the_same_time()
    {
        var entered = new Dictionary<string, TaskCompletionSource> { ["p1"] = NewGate(), ["p2"] = NewGate() };
        var release = NewGate();
        object bidder = NewBidder(async (posting, _) =>
        {
            entered[posting].SetResult();
            await release.Task;
            return 0;
        });

        Task<int> first = Bid(bidder, "p1", TestContext.Current.CancellationToken);
        Task<int> second = Bid(bidder, "p2", TestContext.Current.CancellationToken);

        // Both bodies are inside at once: neither can finish before the gate opens.
        await Task.WhenAll(entered["p1"].Task, entered["p2"].Task).WaitAsync(Patience, TestContext.Current.CancellationToken);
        release.SetResult();
        await Task.WhenAll(first, second).WaitAsync(Patience, TestContext.Current.CancellationToken);
        Assert.Equal(0, _manager.GetMetrics().LockConflicts);
    }

    [Fact]
    public async Task A_body_that_throws_still_releases_the_lock()
    {
        object bidder = NewBidder((_, _) => throw new InvalidOperationException("bid rejected"));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Bid(bidder, "p1", TestContext.Current.CancellationToken));

        Assert.Equal("bid rejected", error.Message);
        Assert.Equal(1, _manager.GetMetrics().LockReleases);
        await AssertFreeAsync("p1");
    }

    [Fact]
    public async Task A_null_key_part_throws_before_the_manager_is_read()
    {
        bool bodyRan = false;
        object bidder = NewBidder((_, _) =>
        {
            bodyRan = true;
            return Task.FromResult(0);
        });

        var nullId = await Assert.ThrowsAsync<ArgumentNullException>(() => Bid(bidder, postingId: null, TestContext.Current.CancellationToken));
        var nullPosting = await Assert.ThrowsAsync<ArgumentNullException>(
            () => GeneratedAssembly.Call<int>(bidder, "BidAsync", "m", null, CancellationToken.None));
        var nullMarketplace = await Assert.ThrowsAsync<ArgumentNullException>(
            () => GeneratedAssembly.Call<int>(bidder, "BidAsync", null, NewPosting("p1"), CancellationToken.None));

        Assert.Equal("posting.Id", nullId.ParamName);
        Assert.Equal("posting", nullPosting.ParamName);
        Assert.Equal("marketplaceId", nullMarketplace.ParamName);
        Assert.Equal(0, GeneratedAssembly.Get<int>(bidder, "ManagerReads"));
        Assert.Equal(0, _manager.GetMetrics().LockAttempts);
        Assert.False(bodyRan);
    }

    [Fact]
    public async Task A_lock_held_elsewhere_times_out_and_the_body_does_not_run()
    {
        bool bodyRan = false;
        object bidder = NewBidder((_, _) =>
        {
            bodyRan = true;
            return Task.FromResult(0);
        });

        // Taken on another async flow: the same flow would re-enter its own lock instead of waiting.
        await using BidLockLease held = await Task.Run(() => _manager.AcquireAsync("m", "p1", TimeSpan.FromSeconds(5)).AsTask(), TestContext.Current.CancellationToken);
        var timeout = await Assert.ThrowsAsync<BidLockTimeoutException>(
            () => GeneratedAssembly.Call<int>(bidder, "QuickBidAsync", "m", "p1", CancellationToken.None));

        Assert.Equal("p1", timeout.PostingId);
        Assert.Equal(TimeSpan.FromSeconds(0.2), timeout.Timeout);
        Assert.False(bodyRan);
    }

    [Fact]
    public async Task The_body_token_fires_when_the_caller_cancels_and_the_lock_is_released()
    {
        var entered = NewGate();
        object bidder = NewBidder(async (_, cancellationToken) =>
        {
            entered.SetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        });
        using var caller = new CancellationTokenSource();

        Task<int> call = Bid(bidder, "p1", caller.Token);
        await entered.Task.WaitAsync(Patience, TestContext.Current.CancellationToken);
        await caller.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(Patience, TestContext.Current.CancellationToken));
        await AssertFreeAsync("p1");
    }

    [Fact]
    public async Task An_in_parameter_reaches_the_key_and_the_body_with_the_lease()
    {
        object bidder = NewBidder((_, _) => Task.FromResult(0));

        long fencingToken = await GeneratedAssembly.Call<long>(bidder, "NumberedBidAsync", "m", 42L);

        Assert.True(fencingToken > 0, $"The body saw the wrong key or no lease (got {fencingToken}).");
        await AssertFreeAsync("n42");
    }

    [Fact]
    public async Task A_primary_constructor_manager_is_the_one_used()
    {
        object bidder = _assembly.Create("Probe.PrimaryConstructorBidder", _manager);

        long fencingToken = await GeneratedAssembly.Call<long>(bidder, "BidAsync", "p1");

        Assert.True(fencingToken > 0);
        Assert.Equal(1, _manager.GetMetrics().LockSuccesses);
        Assert.Equal(1, _manager.GetMetrics().LockReleases);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_body_that_ends_after_its_lease_was_force_released_throws_BidLockLostException_naming_who(bool bodyObservesTheToken)
    {
        var entered = NewGate();
        Func<CancellationToken, Task<int>> body = async token =>
        {
            entered.TrySetResult();
            var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await using var registration = token.Register(() => lost.TrySetResult());
            await lost.Task;

            // Stopped by the token (as a well-behaved body is), or carrying on to the end regardless.
            token.ThrowIfCancellationRequested();
            return bodyObservesTheToken ? 0 : 1;
        };
        if (!bodyObservesTheToken)
        {
            var inner = body;
            body = async token =>
            {
                try
                {
                    return await inner(token);
                }
                catch (OperationCanceledException)
                {
                    return 1;
                }
            };
        }

        object bidder = _assembly.Create("Probe.ShortLeaseBidder", _manager, body);
        var bid = Task.Run(() => GeneratedAssembly.Call<int>(bidder, "BidAsync", "p-lost", CancellationToken.None), TestContext.Current.CancellationToken);
        await entered.Task.WaitAsync(Patience, TestContext.Current.CancellationToken);
        Assert.NotNull(await _manager.ForceReleaseAsync("m", "p-lost", "alice@ops (reason: stuck)", TestContext.Current.CancellationToken));

        var lost = await Assert.ThrowsAsync<BidLockLostException>(() => bid.WaitAsync(Patience, TestContext.Current.CancellationToken));

        Assert.Equal(BidLockLossReason.ForceReleased, lost.Reason);
        Assert.Equal("alice@ops (reason: stuck)", lost.ForcedBy);
        Assert.Equal("p-lost", lost.PostingId);
        Assert.Equal(bodyObservesTheToken, lost.InnerException is OperationCanceledException);
    }

    [Fact]
    public async Task A_zero_timeout_tries_once_and_refuses_at_once_when_busy()
    {
        // Held from another flow: in this one, the bid would re-enter the lock.
        await using var held = await Task.Run(() => _manager.AcquireAsync("m", "p-busy", TimeSpan.Zero, TestContext.Current.CancellationToken).AsTask(), TestContext.Current.CancellationToken);
        object bidder = _assembly.Create("Probe.ShortLeaseBidder", _manager, (Func<CancellationToken, Task<int>>)(_ => Task.FromResult(1)));

        var refused = await Assert.ThrowsAsync<BidLockTimeoutException>(() => GeneratedAssembly.Call<int>(bidder, "BidAsync", "p-busy", CancellationToken.None));
        Assert.Equal(TimeSpan.Zero, refused.Timeout);
        Assert.Equal(1, await GeneratedAssembly.Call<int>(bidder, "BidAsync", "p-free", CancellationToken.None));
    }

    private static TaskCompletionSource NewGate() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private object NewBidder(Func<string, CancellationToken, Task<int>> body) => _assembly.Create("Probe.Bidder", _manager, body);

    private object NewPosting(string? id) => _assembly.Create("Probe.Posting", id);

    // Each call starts on its own flow, as two requests of a service would.
    private Task<int> Bid(object bidder, string? postingId, CancellationToken cancellationToken)
        => Task.Run(() => GeneratedAssembly.Call<int>(bidder, "BidAsync", "m", NewPosting(postingId), cancellationToken), cancellationToken);

    private async Task AssertFreeAsync(string postingId)
    {
        BidLockLease? lease = await Task.Run(() => _manager.TryAcquireAsync("m", postingId, TimeSpan.Zero).AsTask(), TestContext.Current.CancellationToken);
        Assert.NotNull(lease);
        await lease.DisposeAsync();
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(Patience);
        while (!condition())
        {
            // Polls an observable state; the delay only spaces the checks.
            await Task.Delay(TimeSpan.FromMilliseconds(5), limit.Token);
        }
    }
}
