namespace BidLocks.Benchmarks.Contenders;

/// <summary>
/// <see cref="RedisBidLockManager"/>, called by hand. With several instances (managers on separate
/// multiplexers, as separate processes would have), workers are spread over them.
/// </summary>
internal sealed class BidLocksContender(string name, IReadOnlyList<RedisBidLockManager> managers) : Contender
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    public override string Name => name;

    public override async Task CycleAsync(int worker)
    {
        await using var lease = await managers[0].AcquireAsync("bench", Posting(worker), Wait);
    }

    public override async Task<Func<Task>> HoldAsync(int worker, string key)
    {
        var lease = await managers[worker % managers.Count].AcquireAsync("bench", key, Wait);
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
