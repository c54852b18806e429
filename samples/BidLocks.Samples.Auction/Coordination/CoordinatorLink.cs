
namespace BidLocks.Samples.Auction.Coordination;

/// <summary>
/// A bidder process's side of the pipes to the coordinator: protocol lines out on stdout, commands in on stdin.
/// End-of-file on stdin means the coordinator is gone (exited, crashed or killed: the kernel closes its end of the
/// pipe in every case), and the bidder then stops and exits, so that no bidder outlives its coordinator.
/// </summary>
internal sealed class CoordinatorLink : IDisposable
{
    /// <summary>How long a bidder may take to wind down once its coordinator is gone before it exits regardless.</summary>
    private static readonly TimeSpan OrphanGrace = TimeSpan.FromSeconds(5);

    private readonly Lock _writeGate = new();
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private volatile bool _coordinatorGone;

    private CoordinatorLink()
    {
    }

    /// <summary>Completes when the coordinator says <c>start</c>; cancelled if it stops or goes away first.</summary>
    public Task Started => _started.Task;

    /// <summary>Fires on <c>stop</c>, Ctrl+C, or when the coordinator is gone.</summary>
    public CancellationToken StopRequested => _stop.Token;

    public bool CoordinatorGone => _coordinatorGone;

    /// <summary>Starts listening on stdin.</summary>
    public static CoordinatorLink Listen()
    {
        var link = new CoordinatorLink();

        // A plain background thread: Console.In has no cancellable read, and a background thread never keeps the process alive.
        new Thread(link.ReadCommands) { IsBackground = true, Name = "coordinator commands" }.Start();
        return link;
    }

    /// <summary>Stops the run early (Ctrl+C reaches every process of the terminal's group, bidders included).</summary>
    public void RequestStop()
    {
        _started.TrySetCanceled();
        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The run is over and the process is on its way out: nothing left to stop.
        }
    }

    /// <summary>Writes one protocol line. A coordinator that is gone cannot read it; that is not an error here.</summary>
    public void Send(BidderMessage message)
    {
        var line = message.ToLine();
        lock (_writeGate)
        {
            try
            {
                Console.Out.WriteLine(line);
                Console.Out.Flush();
            }
            catch (IOException)
            {
                CoordinatorLost();
            }
        }
    }

    public void Dispose() => _stop.Dispose();

    private void ReadCommands()
    {
        try
        {
            while (Console.In.ReadLine() is { } line)
            {
                switch (line.Trim())
                {
                    case CoordinatorCommands.Start:
                        _started.TrySetResult();
                        break;
                    case CoordinatorCommands.Stop:
                        RequestStop();
                        break;
                }
            }
        }
        catch (IOException)
        {
            // The pipe broke: the same as end-of-file.
        }

        CoordinatorLost();
    }

    private void CoordinatorLost()
    {
        if (_coordinatorGone)
        {
            return;
        }

        _coordinatorGone = true;
        RequestStop();

        // The bid loops stop on the token; should one hang, the process still ends. Exit code 3: orphaned.
        _ = Task.Delay(OrphanGrace).ContinueWith(_ => Environment.Exit(3), TaskScheduler.Default);
    }
}
