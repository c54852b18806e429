namespace BidLocks.Benchmarks.Contenders;

/// <summary>One lock implementation under test, driven the same way as every other.</summary>
internal abstract class Contender : IAsyncDisposable
{
    public abstract string Name { get; }

    /// <summary>False for a client with no way to wait for a held lock (it cannot take part in hand-off).</summary>
    public virtual bool CanWait => true;

    /// <summary>One acquire and release of the worker's own key, which nobody else uses: it never waits.</summary>
    public abstract Task CycleAsync(int worker);

    /// <summary>Waits for <paramref name="key"/>, shared by every worker; returns how to release it.</summary>
    public abstract Task<Func<Task>> HoldAsync(int worker, string key);

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    protected static string Posting(int worker) => WorkerPostings[worker];

    // Made once, so that no contender pays for formatting its key names inside the timed loop.
    private static readonly string[] WorkerPostings = [.. Enumerable.Range(0, 256).Select(worker => $"posting-{worker}")];
}
