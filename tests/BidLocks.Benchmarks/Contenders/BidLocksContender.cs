namespace BidLocks.Benchmarks.Contenders;

/// <summary>
/// <see cref="RedisBidLockManager"/>, called by hand. With several instances (managers on separate
/// multiplexers, as separate processes would have), workers are spread over them. <paramref name="fence"/> says what
/// the caller does with the fencing token: nothing (the default options: on Redis the token is then never taken),
/// read it each cycle (taken at its first read, a round trip of its own), ask for it at the grant and read it, or
/// skip it.
/// </summary>
internal sealed class BidLocksContender(string name, IReadOnlyList<RedisBidLockManager> managers, TokenUse fence = TokenUse.NotRead) : Contender
{
    // The same options the TimeSpan overload builds, but for the fence.
    private readonly BidLockAcquireOptions _options = new(
        Timeout: TimeSpan.FromSeconds(60),
        SkipFencingToken: fence == TokenUse.Skipped,
        FencingTokenAtGrant: fence == TokenUse.TakenAtGrantAndRead);

    private readonly bool _reads = fence is TokenUse.Read or TokenUse.TakenAtGrantAndRead;

    public override string Name => name;

    // Written by every cycle that reads the token, so the read cannot be left out.
    public long LastToken { get; private set; }

    public override async Task CycleAsync(int worker, string posting)
    {
        await using var lease = await managers[0].AcquireAsync("bench", posting, _options);
        if (_reads)
        {
            LastToken = lease.FencingToken;
        }
    }

    public override async Task<Func<Task>> HoldAsync(int worker, string key)
    {
        var lease = await managers[worker % managers.Count].AcquireAsync("bench", key, _options);
        if (_reads)
        {
            LastToken = lease.FencingToken;
        }

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

/// <summary>What a benchmarked caller does with the lease's fencing token.</summary>
internal enum TokenUse
{
    NotRead,
    Read,
    TakenAtGrantAndRead,
    Skipped,
}
