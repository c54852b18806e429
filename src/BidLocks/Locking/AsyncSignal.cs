namespace BidLocks;

/// <summary>
/// A wake-up that cannot be missed: a waiter reads <see cref="Generation"/> before it looks at the lock, and
/// <see cref="WaitAsync"/> completes at once if a release happened since. Costs nothing until someone really waits:
/// the task is made only then, so an uncontended lock never allocates one.
/// </summary>
internal sealed class AsyncSignal
{
    private readonly object _gate = new();
    private long _generation;
    private TaskCompletionSource? _waiters;

    public long Generation => Volatile.Read(ref _generation);

    /// <summary>Completes on the first <see cref="Set"/> after <paramref name="seen"/> was read.</summary>
    public Task WaitAsync(long seen)
    {
        lock (_gate)
        {
            return _generation != seen
                ? Task.CompletedTask
                : (_waiters ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
    }

    public void Set()
    {
        TaskCompletionSource? waiters;
        lock (_gate)
        {
            _generation++;
            waiters = _waiters;
            _waiters = null;
        }

        waiters?.TrySetResult();
    }
}
