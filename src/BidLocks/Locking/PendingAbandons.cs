namespace BidLocks;

/// <summary>
/// The background abandons of holder-named attempts that are still on their way, per (key, holder). A failed attempt's
/// abandon runs in the background so that the caller hears of the failure at once; but a holder-named lock's holder may
/// ask again at once, and the abandon must reach the backend before that: an abandon that came after the holder's next
/// grant could not tell that grant from one its own attempt got without hearing of it. So the manager sends that
/// holder's next acquire or release on the key only once the abandon has finished (or failed).
/// </summary>
/// <remarks>
/// Leases never come here: each has a holder id of its own, used for one attempt only, so nothing of theirs can follow
/// their abandon. The lease path therefore pays nothing for it.
/// </remarks>
internal sealed class PendingAbandons
{
    private readonly Dictionary<(string Key, string Holder), Task> _pending = [];

    /// <summary>Runs <paramref name="abandon"/> on the thread pool (a store's steps may block), after any earlier one for the pair.</summary>
    public void Start(string key, string holderId, Func<ValueTask> abandon)
    {
        var pair = (key, holderId);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task before;
        lock (_pending)
        {
            before = _pending.GetValueOrDefault(pair) ?? Task.CompletedTask;
            _pending[pair] = done.Task;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await before.ConfigureAwait(false);
                await abandon().ConfigureAwait(false);
            }
            finally
            {
                lock (_pending)
                {
                    if (_pending.TryGetValue(pair, out var current) && current == done.Task)
                    {
                        _pending.Remove(pair);
                    }
                }

                done.TrySetResult();
            }
        });
    }

    /// <summary>
    /// Waits, for at most <paramref name="timeout"/>, until no abandon of <paramref name="holderId"/> on
    /// <paramref name="key"/> is on its way; false when one still is.
    /// </summary>
    public ValueTask<bool> SettleAsync(string key, string holderId, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        Task? pending;
        lock (_pending)
        {
            pending = _pending.GetValueOrDefault((key, holderId));
        }

        return pending is null || pending.IsCompleted ? new(true) : WaitAsync(pending, timeout, time, cancellationToken);
    }

    private static async ValueTask<bool> WaitAsync(Task pending, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        try
        {
            await pending.WaitAsync(timeout > TimeSpan.Zero ? timeout : TimeSpan.Zero, time, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
