namespace BidLocks.Benchmarks.Contenders;

/// <summary>
/// A <c>[BidLock]</c> method with an empty body, its lock written by the source generator. The body takes no lease, so
/// the generated code asks for no fencing token: compare it with "RedisBidLockManager, no fence".
/// </summary>
internal sealed class GeneratedContender(RedisBidLockManager manager) : Contender
{
    private readonly EmptyBidService _service = new(manager);

    public override string Name => "[BidLock] generated, empty body";

    public override Task CycleAsync(int worker, string posting) => _service.PlaceAsync("bench", posting, CancellationToken.None);

    // The generated method releases when the body returns, so hand-off is measured on the bare manager only.
    public override bool CanWait => false;

    public override Task<Func<Task>> HoldAsync(int worker, string key) => throw new NotSupportedException();

    public override ValueTask DisposeAsync() => manager.DisposeAsync();
}

/// <summary>What a user writes: the generator supplies <see cref="PlaceAsync"/>.</summary>
public sealed partial class EmptyBidService(IBidLockManager locks)
{
    private readonly IBidLockManager _locks = locks;

    [BidLock("{marketplaceId}", "{postingId}", TimeoutSeconds = 60)]
    public partial Task PlaceAsync(string marketplaceId, string postingId, CancellationToken cancellationToken);

    private Task PlaceAsyncCore(string marketplaceId, string postingId, CancellationToken cancellationToken) => Task.CompletedTask;
}
