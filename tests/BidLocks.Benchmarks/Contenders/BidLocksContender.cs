namespace BidLocks.Benchmarks.Contenders;

/// <summary>
/// <see cref="RedisBidLockManager"/>, called by hand. With several instances (managers on separate
/// multiplexers, as separate processes would have), workers are spread over them. <paramref name="skipFence"/> asks
/// for no fencing token (<see cref="BidLockAcquireOptions.SkipFencingToken"/>), as a caller that never reads it would.
/// </summary>
internal sealed class BidLocksContender(string name, IReadOnlyList<RedisBidLockManager> managers, bool skipFence = false) : Contender
{
    // The same options the TimeSpan overload builds (fenced), or the same with the fence skipped.
    private readonly BidLockAcquireOptions _options = new(Timeout: TimeSpan.FromSeconds(60), SkipFencingToken: skipFence);

    public override string Name => name;

    public override async Task CycleAsync(int worker, string posting)
    {
        await using var lease = await managers[0].AcquireAsync("bench", posting, _options);
    }

    public override async Task<Func<Task>> HoldAsync(int worker, string key)
    {
        var lease = await managers[worker % managers.Count].AcquireAsync("bench", key, _options);
        return async () => await lease.ReleaseAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        foreach (var manager in managers)
        {
            await manager.DisposeAsync();
        }
    }
}
