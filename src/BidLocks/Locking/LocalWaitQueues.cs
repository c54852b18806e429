namespace BidLocks;

/// <summary>
/// In-process order of waiters per lock key. Only the waiter at the head of a key's queue tries the backend; the
/// rest wait their turn in arrival order (FIFO, no barging), so contention inside one process is fair and costs the
/// backend one poller per key instead of one per waiter. A release seen in this process, or reported by the store
/// for another process, wakes the head at once.
/// </summary>
/// <remarks>
/// A queue lives only while someone is in or waiting for it. Finished queues are kept in a small pool: an
/// uncontended acquire then allocates nothing here, which is most acquires.
/// </remarks>
internal sealed class LocalWaitQueues
{
    private const int PoolLimit = 64;
    private readonly Dictionary<string, Queue> _queues = new(StringComparer.Ordinal);
    private readonly Stack<Queue> _pool = new();

    /// <summary>
    /// Waits for this caller's turn at <paramref name="key"/>; null when the timeout passes first. Pass the turn
    /// to <see cref="Exit"/> exactly once when done.
    /// </summary>
    public async ValueTask<Queue?> EnterAsync(string key, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Queue queue;
        lock (_queues)
        {
            if (!_queues.TryGetValue(key, out queue!))
            {
                queue = _pool.Count > 0 ? _pool.Pop() : new Queue();
                queue.Key = key;
                _queues.Add(key, queue);
            }

            queue.Users++;
        }

        var entered = false;
        try
        {
            entered = await queue.Gate.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            return entered ? queue : null;
        }
        finally
        {
            if (!entered)
            {
                Leave(queue, release: false);
            }
        }
    }

    /// <summary>
    /// Joins <paramref name="key"/>'s queue without taking a turn, to hear of its releases: for a set that waits for any
    /// of its keys at once (taking turns one key after another would hold the first while waiting for the next). Pass
    /// the queue to <see cref="Unwatch"/> exactly once when done.
    /// </summary>
    public Queue Watch(string key)
    {
        lock (_queues)
        {
            if (!_queues.TryGetValue(key, out var queue))
            {
                queue = _pool.Count > 0 ? _pool.Pop() : new Queue();
                queue.Key = key;
                _queues.Add(key, queue);
            }

            queue.Users++;
            return queue;
        }
    }

    /// <summary>Stops watching a key <see cref="Watch"/> joined.</summary>
    public void Unwatch(Queue queue) => Leave(queue, release: false);

    /// <summary>Ends a turn: the next waiter for the key, if any, goes next.</summary>
    public void Exit(Queue turn) => Leave(turn, release: true);

    /// <summary>Wakes the head waiter of <paramref name="key"/>, if any.</summary>
    public void NotifyReleased(string key)
    {
        Queue? queue;
        lock (_queues)
        {
            _queues.TryGetValue(key, out queue);
        }

        // A queue recycled meanwhile wakes some other key's head: a spurious wake-up, which only costs one retry.
        queue?.Released.Set();
    }

    /// <summary>
    /// Wakes the head waiter of every key: for a store whose release hints do not say which lock was released
    /// (SQLite's hint file). Each head looks once; those whose lock is still taken wait again.
    /// </summary>
    public void NotifyAll()
    {
        lock (_queues)
        {
            foreach (var queue in _queues.Values)
            {
                queue.Released.Set();
            }
        }
    }

    /// <summary>How many callers of this process are waiting for <paramref name="key"/> (the one trying included), for inspection.</summary>
    public int Waiting(string key)
    {
        lock (_queues)
        {
            return _queues.TryGetValue(key, out var queue) ? queue.Users : 0;
        }
    }

    private void Leave(Queue queue, bool release)
    {
        if (release)
        {
            queue.Gate.Release();
        }

        lock (_queues)
        {
            if (--queue.Users == 0)
            {
                _queues.Remove(queue.Key);
                if (_pool.Count < PoolLimit)
                {
                    _pool.Push(queue);
                }
                else
                {
                    queue.Gate.Dispose();
                }
            }
        }
    }

    /// <summary>One key's queue; the head of it holds the turn.</summary>
    internal sealed class Queue
    {
        // SemaphoreSlim queues asynchronous waiters first in, first out.
        public readonly SemaphoreSlim Gate = new(1, 1);
        public readonly AsyncSignal Released = new();
        public string Key = string.Empty;
        public int Users;
    }
}
