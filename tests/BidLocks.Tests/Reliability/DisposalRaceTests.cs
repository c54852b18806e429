using BidLocks.Tests.Redis;
using BidLocks.Tests.Sqlite;
using BidLocks.Tests.Support;
using StackExchange.Redis;

namespace BidLocks.Tests.Reliability;

/// <summary>
/// An acquire whose grant arrives while its manager is being disposed: the grant goes back to the backend and the
/// caller is told the manager is gone, rather than getting a lease nobody renews (or the lock staying taken until its
/// TTL). Real Redis and a real SQLite file; only the grant's reply is held back until the disposal has begun.
/// </summary>
public sealed class DisposalRaceTests(SharedRedisServer redis) : IDisposable
{
    private readonly string _marketplace = "mkt-" + Guid.NewGuid().ToString("N");
    private readonly TempDatabase _database = new();

    public static TheoryData<string> Backends => ["redis", "sqlite"];

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(Backends))]
    public async Task A_grant_that_arrives_while_the_manager_is_disposed_is_given_back(string backend)
    {
        var cancel = TestContext.Current.CancellationToken;
        var options = new BidLockOptions();
        var store = new HeldReplyStore(await CreateStoreAsync(backend, options));
        var manager = new ManagerOverStore(store, options);

        var acquire = Task.Run(async () => await manager.AcquireAsync(_marketplace, "disposed", TimeSpan.FromSeconds(10), cancel), cancel);
        await store.Granted.WaitAsync(TimeSpan.FromSeconds(20), cancel);
        var disposal = manager.DisposeAsync().AsTask();
        store.Reply();

        var error = await Record.ExceptionAsync(() => acquire);
        Assert.True(error is ObjectDisposedException, $"Expected ObjectDisposedException, got {(error is null ? $"a lease: {await acquire}" : error.ToString())}");
        await disposal.WaitAsync(TimeSpan.FromSeconds(20), cancel);

        // The grant was given back: another manager takes the posting at once, not a TTL later.
        await using var peer = new ManagerOverStore(await CreateStoreAsync(backend, new BidLockOptions()), new BidLockOptions());
        await using var next = await peer.TryAcquireAsync(_marketplace, "disposed", TimeSpan.Zero, cancel);
        Assert.NotNull(next);
    }

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(Backends))]
    public async Task A_waiter_stops_waiting_when_its_manager_is_disposed(string backend)
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var holderSide = new ManagerOverStore(await CreateStoreAsync(backend, new BidLockOptions()), new BidLockOptions());
        await using var held = await holderSide.AcquireAsync(_marketplace, "waited-on", TimeSpan.FromSeconds(10), cancel);
        var manager = new ManagerOverStore(await CreateStoreAsync(backend, new BidLockOptions()), new BidLockOptions());
        var waiter = Task.Run(async () => await manager.AcquireAsync(_marketplace, "waited-on", TimeSpan.FromSeconds(60), cancel), cancel);
        await Poll.UntilAsync(() => manager.GetMetrics().LockConflicts > 0, TimeSpan.FromSeconds(20), "the waiter finding the lock taken");

        // Disposal does not wait a minute for the waiter: the waiter stops with ObjectDisposedException.
        await manager.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20), cancel);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => waiter.WaitAsync(TimeSpan.FromSeconds(20), cancel));
        Assert.True(held.IsHeld);
    }

    public void Dispose() => _database.Dispose();

    private async Task<ILockStore> CreateStoreAsync(string backend, BidLockOptions options)
    {
        if (backend == "sqlite")
        {
            return new SqliteLockStore(_database.Path, options);
        }

        var connection = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{redis.Server.Port}");
        return new RedisLockStore(connection, options, ownsConnection: true);
    }
}
