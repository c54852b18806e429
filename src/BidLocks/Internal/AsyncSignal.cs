namespace BidLocks;

/// <summary>
/// A wake-up that cannot be missed: a waiter takes <see cref="Current"/> before it looks at the lock, so a release
/// that happens between the look and the wait still completes the task it waits on.
/// </summary>
internal sealed class AsyncSignal
{
    private TaskCompletionSource _source = NewSource();

    public Task Current => Volatile.Read(ref _source).Task;

    public void Set() => Interlocked.Exchange(ref _source, NewSource()).TrySetResult();

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
