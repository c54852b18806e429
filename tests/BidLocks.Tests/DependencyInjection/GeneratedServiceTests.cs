using BidLocks.Tests.Sqlite;
using BidLocks.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace BidLocks.Tests.DependencyInjection;

/// <summary>
/// A service with a <c>[BidLock]</c> method, implemented by the real generator, registered in the container: its
/// constructor receives the container's manager, and the generated code locks through that manager.
/// </summary>
public sealed class GeneratedServiceTests : IDisposable
{
    private readonly TempDatabase _database = new();

    [Fact(Timeout = 60_000)]
    public async Task A_BidLock_service_from_the_container_locks_through_the_containers_manager()
    {
        var services = new ServiceCollection();
        services.AddSingleton(new BidLockEnvironment(TestEnvironment.Of(("DOTNET_ENVIRONMENT", "Development"))));
        services.AddBidLocks(options => options.SqlitePath = _database.Path);
        services.AddSingleton<AuctionBidder>();
        await using var provider = services.BuildServiceProvider();
        var bidder = provider.GetRequiredService<AuctionBidder>();
        var manager = provider.GetRequiredService<IBidLockManager>();
        var marketplace = "mkt-" + Guid.NewGuid().ToString("N");

        var fences = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => bidder.PlaceBidAsync(marketplace, "posting-1", 10m, TestContext.Current.CancellationToken))));

        Assert.Same(manager, bidder.Locks);
        Assert.Equal(0, bidder.Overlaps);
        Assert.Equal(8, bidder.Bids);
        Assert.Equal(8, fences.Distinct().Count());
        Assert.Equal(8, manager.GetMetrics().LockSuccesses);
    }

    [Fact(Timeout = 30_000)]
    public async Task The_body_runs_while_the_containers_manager_holds_the_lock()
    {
        var services = new ServiceCollection();
        services.AddSingleton(new BidLockEnvironment(TestEnvironment.Of(("DOTNET_ENVIRONMENT", "Development"))));
        services.AddBidLocks(options => options.SqlitePath = _database.Path);
        services.AddSingleton<AuctionBidder>();
        await using var provider = services.BuildServiceProvider();
        var bidder = provider.GetRequiredService<AuctionBidder>();
        var marketplace = "mkt-" + Guid.NewGuid().ToString("N");
        await using var other = new SqliteBidLockManager(_database.Path);
        bool? freeDuringBody = null;
        bidder.DuringBody = async () => freeDuringBody = await other.TryAcquireAsync(marketplace, "posting-2", TimeSpan.Zero) is not null;

        await bidder.PlaceBidAsync(marketplace, "posting-2", 12m, TestContext.Current.CancellationToken);

        Assert.False(freeDuringBody);
        await using var after = await other.AcquireAsync(marketplace, "posting-2", TimeSpan.Zero, TestContext.Current.CancellationToken);
    }

    public void Dispose() => _database.Dispose();
}

/// <summary>A bidding service as a user writes it: the generator implements <see cref="PlaceBidAsync"/>.</summary>
public sealed partial class AuctionBidder(IBidLockManager locks)
{
    private int _inside;
    private int _bids;
    private int _overlaps;

    public IBidLockManager Locks => locks;

    public int Bids => Volatile.Read(ref _bids);

    public int Overlaps => Volatile.Read(ref _overlaps);

    public Func<Task>? DuringBody { get; set; }

    [BidLock("{marketplaceId}", "{postingId}", TimeoutSeconds = 30)]
    public partial Task<long> PlaceBidAsync(string marketplaceId, string postingId, decimal amount, CancellationToken cancellationToken);

    private async Task<long> PlaceBidAsyncCore(string marketplaceId, string postingId, decimal amount, CancellationToken cancellationToken, BidLockLease lease)
    {
        if (Interlocked.Increment(ref _inside) != 1)
        {
            Interlocked.Increment(ref _overlaps);
        }

        // A non-atomic update with a yield inside: only the lock keeps two bids from interleaving here.
        var seen = _bids;
        await Task.Yield();
        _bids = seen + 1;
        if (DuringBody is { } during)
        {
            await during();
        }

        Interlocked.Decrement(ref _inside);
        return lease.FencingToken;
    }
}
