namespace BidLocks.Tests.HostileInput;

/// <summary>
/// The same hostile ids through generated <c>[BidLock]</c> methods: a rejected id fails before the lock is tried and
/// before the body runs, naming the argument; accepted ids give every body a lock of its own, all held at once.
/// </summary>
public sealed class GeneratedMethodHostileInputTests
{
    public static TheoryData<string, string> RejectedCases => ManualApiHostileInputTests.RejectedCases;

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(RejectedCases))]
    public async Task A_rejected_id_names_its_argument_runs_no_body_and_writes_nothing(string backend, string caseName)
    {
        var hostile = HostileIds.Rejected[caseName];
        var cancel = TestContext.Current.CancellationToken;
        await using var store = await HostileBackend.StartAsync(backend);
        var bidder = new HostileBidder(store.Manager);
        var before = await store.FootprintAsync();

        await AssertRejected(["marketplaceId"], () => bidder.BidAsync(hostile!, "posting", cancel));
        await AssertRejected(["postingId"], () => bidder.BidAsync("market", hostile!, cancel));
        // A null member is named by its path (the generated code checks it); any other bad value by the manager's argument.
        await AssertRejected(["listing.Marketplace", "marketplaceId"], () => bidder.ListAsync(new Listing(hostile!, "posting"), cancel).AsTask());
        await AssertRejected(["listing.Id", "postingId"], () => bidder.ListAsync(new Listing("market", hostile!), cancel).AsTask());

        Assert.Equal(0, bidder.Bodies);
        Assert.Equal(before, await store.FootprintAsync());
        Assert.Equal(0, store.Manager.GetMetrics().LockAttempts);
    }

    [Theory(Timeout = 120_000)]
    [InlineData("redis")]
    [InlineData("sqlite")]
    public async Task Accepted_ids_give_every_body_a_lock_of_its_own_all_held_at_once(string backend)
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var store = await HostileBackend.StartAsync(backend);
        var bidder = new HostileBidder(store.Manager);
        var pairs = HostileIds.DistinctPairs;
        var inside = 0;
        var allInside = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var leave = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var seen = new System.Collections.Concurrent.ConcurrentBag<(string, string)>();
        bidder.Inside = async lease =>
        {
            seen.Add((lease.MarketplaceId, lease.PostingId));
            if (Interlocked.Increment(ref inside) == pairs.Count)
            {
                allInside.TrySetResult();
            }

            await leave.Task;
        };

        // Half through parameters, half through a member path; each in a flow of its own, so no call re-enters another's lock.
        var calls = pairs.Select((pair, index) => InFreshFlow(() => index % 2 == 0
            ? bidder.BidAsync(pair.Marketplace, pair.Posting, cancel)
            : bidder.ListAsync(new Listing(pair.Marketplace, pair.Posting), cancel).AsTask())).ToList();
        // Two pairs that shared a key could not both be inside: one would wait, and then time out.
        await allInside.Task.WaitAsync(TimeSpan.FromSeconds(60), cancel);
        var held = await store.HeldLocksAsync();
        leave.TrySetResult();
        await Task.WhenAll(calls);

        Assert.Equal(pairs.Count, held);
        Assert.Equal(pairs.Count, bidder.Bodies);
        Assert.Equal(pairs.OrderBy(pair => pair.Marketplace + "\n" + pair.Posting, StringComparer.Ordinal), seen.OrderBy(pair => pair.Item1 + "\n" + pair.Item2, StringComparer.Ordinal));
        Assert.Equal(0, await store.HeldLocksAsync());
    }

    private static async Task AssertRejected(string[] arguments, Func<Task> call)
    {
        var error = await Assert.ThrowsAnyAsync<ArgumentException>(call);
        Assert.Contains(error.ParamName, arguments);
    }

    private static Task InFreshFlow(Func<Task> work)
    {
        using (ExecutionContext.SuppressFlow())
        {
            return Task.Run(work);
        }
    }
}
