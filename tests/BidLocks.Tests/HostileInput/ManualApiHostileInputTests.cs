namespace BidLocks.Tests.HostileInput;

/// <summary>
/// Hostile ids through every method of the manual API, on Redis and SQLite: a rejected id throws an
/// <see cref="ArgumentException"/> naming the argument and leaves no trace in the backend (no script run, no key, no
/// database file); accepted ids are each a lock of their own, all held at once.
/// </summary>
public sealed class ManualApiHostileInputTests
{
    public static TheoryData<string, string> RejectedCases
        => [.. from backend in new[] { "redis", "sqlite" } from name in HostileIds.Rejected.Keys select (backend, name)];

    [Fact]
    public void There_are_at_least_twenty_cases()
        => Assert.True(HostileIds.Rejected.Count + HostileIds.Accepted.Count >= 20);

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(RejectedCases))]
    public async Task A_rejected_id_names_its_argument_and_writes_nothing(string backend, string caseName)
    {
        var hostile = HostileIds.Rejected[caseName];
        var cancel = TestContext.Current.CancellationToken;
        await using var store = await HostileBackend.StartAsync(backend);
        var manager = store.Manager;
        var before = await store.FootprintAsync();

        // The hostile value in each place of each method.
        await AssertRejected("marketplaceId", () => manager.AcquireAsync(hostile!, "posting", TimeSpan.Zero, cancel).AsTask());
        await AssertRejected("postingId", () => manager.AcquireAsync("market", hostile!, TimeSpan.Zero, cancel).AsTask());
        await AssertRejected("marketplaceId", () => manager.AcquireAsync(hostile!, "posting", new BidLockAcquireOptions(TimeSpan.Zero), cancel).AsTask());
        await AssertRejected("postingId", () => manager.AcquireAsync("market", hostile!, new BidLockAcquireOptions(TimeSpan.Zero), cancel).AsTask());
        await AssertRejected("marketplaceId", () => manager.TryAcquireAsync(hostile!, "posting", TimeSpan.Zero, cancel).AsTask());
        await AssertRejected("postingId", () => manager.TryAcquireAsync("market", hostile!, TimeSpan.Zero, cancel).AsTask());
        await AssertRejected("marketplaceId", () => manager.AcquireLockAsync(hostile!, "posting", "holder", TimeSpan.Zero, cancel).AsTask());
        await AssertRejected("postingId", () => manager.AcquireLockAsync("market", hostile!, "holder", TimeSpan.Zero, cancel).AsTask());
        await AssertRejected("holderId", () => manager.AcquireLockAsync("market", "posting", hostile!, TimeSpan.Zero, cancel).AsTask());
        await AssertRejected("marketplaceId", () => manager.ReleaseLockAsync(hostile!, "posting", "holder", cancel).AsTask());
        await AssertRejected("postingId", () => manager.ReleaseLockAsync("market", hostile!, "holder", cancel).AsTask());
        await AssertRejected("holderId", () => manager.ReleaseLockAsync("market", "posting", hostile!, cancel).AsTask());

        Assert.Equal(before, await store.FootprintAsync());
        Assert.Equal(0, manager.GetMetrics().LockAttempts);
    }

    [Theory(Timeout = 120_000)]
    [InlineData("redis")]
    [InlineData("sqlite")]
    public async Task Accepted_ids_are_locks_of_their_own_all_held_at_once(string backend)
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var store = await HostileBackend.StartAsync(backend);
        var pairs = HostileIds.DistinctPairs;

        // Each in a flow of its own: a re-entry would let two pairs that shared a key both "acquire" it.
        var leases = await Task.WhenAll(pairs.Select(pair => InFreshFlow(() => store.Manager.AcquireAsync(pair.Marketplace, pair.Posting, TimeSpan.FromSeconds(5), cancel).AsTask())));

        Assert.Equal(pairs.Count, await store.HeldLocksAsync());
        Assert.All(pairs.Zip(leases), item =>
        {
            Assert.Equal(item.First.Marketplace, item.Second.MarketplaceId);
            Assert.Equal(item.First.Posting, item.Second.PostingId);
        });
        foreach (var (marketplace, posting) in pairs)
        {
            Assert.Null(await store.Peer.TryAcquireAsync(marketplace, posting, TimeSpan.Zero, cancel));
        }

        // A holder-named lock on each, released by that name only: the ids reach the backend's compare intact.
        foreach (var lease in leases)
        {
            Assert.True(await lease.ReleaseAsync());
        }

        foreach (var (marketplace, posting) in pairs)
        {
            Assert.True(await store.Peer.AcquireLockAsync(marketplace, posting, posting, TimeSpan.Zero, cancel));
            Assert.False(await store.Manager.ReleaseLockAsync(marketplace, posting, NearMiss(posting), cancel));
            Assert.True(await store.Manager.ReleaseLockAsync(marketplace, posting, posting, cancel));
        }

        Assert.Equal(0, await store.HeldLocksAsync());
        Assert.Equal(0, store.Manager.GetMetrics().BackendErrors + store.Peer.GetMetrics().BackendErrors);
    }

    private static async Task AssertRejected(string argument, Func<Task> call)
    {
        var error = await Assert.ThrowsAnyAsync<ArgumentException>(call);
        Assert.Equal(argument, error.ParamName);
    }

    /// <summary>Another holder id, one character away.</summary>
    private static string NearMiss(string holder) => holder.Length < BidLockDefaults.MaxHolderIdLength ? holder + "x" : holder[..^1];

    private static Task<T> InFreshFlow<T>(Func<Task<T>> work)
    {
        using (ExecutionContext.SuppressFlow())
        {
            return Task.Run(work);
        }
    }
}
