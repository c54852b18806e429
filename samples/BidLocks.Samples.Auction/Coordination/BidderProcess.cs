using System.Diagnostics;
using System.Text;

namespace BidLocks.Samples.Auction.Coordination;

/// <summary>
/// The coordinator's handle on one bidder process: reads its protocol lines, keeps its latest state, collects its
/// stderr for the report, and sends it commands. The process's stdin stays open for its whole life: closing it (by
/// exiting, or being killed) is how the bidder learns that the coordinator is gone.
/// </summary>
internal sealed class BidderProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _errors = new();
    private readonly TaskCompletionSource<BidderMessage> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _completion;

    private BidderProcess(int instance, Process process)
    {
        Instance = instance;
        _process = process;
        ProcessId = process.Id;
        _completion = ReadAsync();
    }

    public int Instance { get; }

    public int ProcessId { get; }

    /// <summary>The <c>ready</c> message (backend and reason), or null before it.</summary>
    public BidderMessage? Ready { get; private set; }

    /// <summary>The latest progress, totals or failure the bidder reported.</summary>
    public BidderMessage? Latest { get; private set; }

    /// <summary>The final totals, or null if the bidder ended without them.</summary>
    public BidderMessage? Done { get; private set; }

    /// <summary>Why the bidder failed (its own words, or how it ended), or null while it has not.</summary>
    public string? Failure { get; private set; }

    public int? ExitCode { get; private set; }

    /// <summary>Completes when the bidder says <c>ready</c>; fails if it ends first.</summary>
    public Task<BidderMessage> ReadyTask => _ready.Task;

    /// <summary>Completes when the process has exited and all of its output is read.</summary>
    public Task Completion => _completion;

    public string State => (Done, Failure, Ready, Latest) switch
    {
        (_, not null, _, _) => "failed",
        (not null, _, _, _) => ExitCode is null ? "finishing" : "done",
        (_, _, _, { Type: BidderMessage.Progress }) => "bidding",
        (_, _, not null, _) => "ready",
        _ => "starting",
    };

    /// <summary>What the bidder wrote to stderr, for the report when it fails.</summary>
    public string Errors
    {
        get
        {
            lock (_errors)
            {
                return _errors.ToString().Trim();
            }
        }
    }

    public static BidderProcess Start(int instance, IEnumerable<string> arguments)
    {
        var process = new Process { StartInfo = SelfLauncher.StartInfo(arguments), EnableRaisingEvents = true };
        process.Start();
        var bidder = new BidderProcess(instance, process);
        process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is not null)
            {
                lock (bidder._errors)
                {
                    bidder._errors.AppendLine(line.Data);
                }
            }
        };
        process.BeginErrorReadLine();
        return bidder;
    }

    /// <summary>Sends a command; a bidder that already exited cannot take it, which is not an error.</summary>
    public void Send(string command)
    {
        try
        {
            _process.StandardInput.WriteLine(command);
            _process.StandardInput.Flush();
        }
        catch (Exception exception) when (exception is IOException or InvalidOperationException)
        {
            // Exited: its end of the pipe is closed.
        }
    }

    /// <summary>Kills the bidder by its own pid (never by name: other runs' bidders are not ours).</summary>
    public void Kill(string why)
    {
        Failure ??= why;
        try
        {
            _process.Kill();
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    public void Dispose() => _process.Dispose();

    private async Task ReadAsync()
    {
        // Yield first: the constructor starts this, and the constructor should return before any line is read.
        await Task.Yield();
        while (await _process.StandardOutput.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            if (BidderMessage.TryParse(line) is not { } message)
            {
                // Not a protocol line: keep it with the errors so that it is not lost.
                lock (_errors)
                {
                    _errors.AppendLine(line);
                }

                continue;
            }

            Latest = message;
            switch (message.Type)
            {
                case BidderMessage.Ready:
                    Ready = message;
                    _ready.TrySetResult(message);
                    break;
                case BidderMessage.Done:
                    Done = message;
                    break;
                case BidderMessage.Failed:
                    Failure ??= message.Error ?? "failed";
                    break;
            }
        }

        await _process.WaitForExitAsync().ConfigureAwait(false);
        ExitCode = _process.ExitCode;
        if (Done is null)
        {
            Failure ??= $"exited with code {ExitCode} before reporting its totals";
        }

        _ready.TrySetException(new InvalidOperationException($"bidder {Instance} ended before it was ready: {Failure}"));
    }
}
