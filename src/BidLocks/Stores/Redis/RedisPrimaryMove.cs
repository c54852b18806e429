namespace BidLocks;

/// <summary>
/// With Sentinel: whether the client is moving to a primary the Sentinels just named (<c>+switch-master</c>). While it
/// moves, the server the client writes to may be the old primary, still writable but no longer the one that counts: a
/// grant it gives is refused, and a release or renewal it answers is sent again once the move has ended.
/// </summary>
/// <remarks>
/// <see cref="Version"/> is odd while a move is under way and grows by two per move, so a step that reads it before
/// and after knows whether a move began or ended in between: two field reads, the only cost on the lock's hot path.
/// </remarks>
internal sealed class RedisPrimaryMove
{
    private readonly object _gate = new();
    private int _version;
    private TaskCompletionSource _settled = NewSettled(completed: true);

    /// <summary>Odd while moving; changes whenever a move begins or ends.</summary>
    public int Version => Volatile.Read(ref _version);

    public static bool IsMoving(int version) => (version & 1) == 1;

    /// <summary>When the last move began (a <see cref="System.Diagnostics.Stopwatch"/> timestamp).</summary>
    public long BeganAt { get; private set; }

    /// <summary>Completes when no move is under way.</summary>
    public Task WhenSettled => Volatile.Read(ref _settled).Task;

    /// <summary>Marks a move as begun; false when one already is.</summary>
    public bool Begin()
    {
        lock (_gate)
        {
            if (IsMoving(_version))
            {
                return false;
            }

            BeganAt = System.Diagnostics.Stopwatch.GetTimestamp();
            Volatile.Write(ref _settled, NewSettled(completed: false));
            Interlocked.Increment(ref _version);
            return true;
        }
    }

    /// <summary>Marks the move as ended: the client writes to the primary the Sentinels name.</summary>
    public void End()
    {
        TaskCompletionSource settled;
        lock (_gate)
        {
            if (!IsMoving(_version))
            {
                return;
            }

            Interlocked.Increment(ref _version);
            settled = _settled;
        }

        settled.TrySetResult();
    }

    private static TaskCompletionSource NewSettled(bool completed)
    {
        var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (completed)
        {
            source.SetResult();
        }

        return source;
    }
}
