namespace BidLocks;

/// <summary>
/// In-process order of waiters per lock key. Only the waiter at the head of a key's queue tries the backend; the
/// rest wait their turn in arrival order (FIFO, no barging), so contention inside one process is fair and costs the
/// backend one poller per key instead of one per waiter. A release seen in this process, or reported by the store
/// for another process, wakes the head at once.
/// </summary>
internal sealed class LocalWaitQueues
{
    private readonly Dictionary<string, Queue> _queues = new(StringComparer.Ordinal);

    /// <summary>Waits for this caller's turn at <paramref name="key"/>; null when the timeout passes first.</summary>
    public async ValueTask<Turn?> EnterAsync(string key, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Queue queue;
        lock (_queues)
        {
            if (!_queues.TryGetValue(key, out queue!))
            {
                queue = new Queue();
                _queues.Add(key, queue);
            }

            queue.Users++;
        }

        var entered = false;
        try
        {
            entered = await queue.Gate.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            return entered ? new Turn(this, key, queue) : null;
        }
        finally
        {
            if (!entered)
            {
                Leave(key, queue, release: false);
            }
        }
    }

    /// <summary>Wakes the head waiter of <paramref name="key"/>, if any.</summary>
    public void NotifyReleased(string key)
    {
        Queue? queue;
        lock (_queues)
        {
            _queues.TryGetValue(key, out queue);
        }

        queue?.Released.Set();
    }

    private void Leave(string key, Queue queue, bool release)
    {
        if (release)
        {
            queue.Gate.Release();
        }

        lock (_queues)
        {
            if (--queue.Users == 0)
            {
                _queues.Remove(key);
                queue.Gate.Dispose();
            }
        }
    }

    internal sealed class Queue
    {
        // SemaphoreSlim queues asynchronous waiters first in, first out.
        public readonly SemaphoreSlim Gate = new(1, 1);
        public readonly AsyncSignal Released = new();
        public int Users;
    }

    /// <summary>The head of a key's queue; dispose to pass the turn to the next waiter.</summary>
    public sealed class Turn : IDisposable
    {
        private readonly LocalWaitQueues _owner;
        private readonly string _key;
        private readonly Queue _queue;
        private int _disposed;

        internal Turn(LocalWaitQueues owner, string key, Queue queue)
        {
            _owner = owner;
            _key = key;
            _queue = queue;
        }

        /// <summary>Take this before trying the lock; it completes on the next release.</summary>
        public Task NextRelease => _queue.Released.Current;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                _owner.Leave(_key, _queue, release: true);
            }
        }
    }
}
