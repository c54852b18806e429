namespace BidLocks.Benchmarks.Contenders;

/// <summary>One lock implementation under test, driven the same way as every other.</summary>
internal abstract class Contender : IAsyncDisposable
{
    public abstract string Name { get; }

    /// <summary>False for a client with no way to wait for a held lock (it cannot take part in hand-off).</summary>
    public virtual bool CanWait => true;

    /// <summary>
    /// One acquire and release of <paramref name="posting"/>, which no other worker uses: it never waits. The posting
    /// is either the worker's own (<see cref="Posting"/>, the same every cycle) or one never used before.
    /// </summary>
    public abstract Task CycleAsync(int worker, string posting);

    /// <summary>Waits for <paramref name="key"/>, shared by every worker; returns how to release it.</summary>
    public abstract Task<Func<Task>> HoldAsync(int worker, string key);

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public static string Posting(int worker) => WorkerPostings[worker];

    /// <summary>True when the cycle locks the worker's own posting, whose key names a contender may have made once.</summary>
    protected static bool IsWorkersOwn(int worker, string posting) => ReferenceEquals(posting, WorkerPostings[worker]);

    // Made once, so that no contender pays for formatting its key names inside the timed loop.
    private static readonly string[] WorkerPostings = [.. Enumerable.Range(0, 256).Select(worker => $"posting-{worker}")];
}
