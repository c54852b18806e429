namespace BidLocks.Samples.Auction.Coordination;

/// <summary>
/// Ctrl+C for the coordinator: the first asks every bidder to stop and still prints the summary of what happened;
/// the second ends the coordinator at once, and the bidders, seeing their stdin close, follow it.
/// </summary>
internal sealed class Interrupts : IDisposable
{
    private readonly TaskCompletionSource _stopping = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _count;

    private Interrupts()
    {
        Console.CancelKeyPress += OnCancelKeyPress;
    }

    /// <summary>Completes on the first Ctrl+C.</summary>
    public Task Stopping => _stopping.Task;

    public bool IsStopping => _stopping.Task.IsCompleted;

    public static Interrupts Listen() => new();

    public void Dispose() => Console.CancelKeyPress -= OnCancelKeyPress;

    private void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
    {
        if (Interlocked.Increment(ref _count) == 1)
        {
            e.Cancel = true;
            Console.Error.WriteLine("Stopping the bidders (Ctrl+C again to quit at once)...");
            _stopping.TrySetResult();
        }
    }
}
