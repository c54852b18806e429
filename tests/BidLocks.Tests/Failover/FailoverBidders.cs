using System.Globalization;
using System.Text.Json;
using BidLocks.TestHost;
using BidLocks.Tests.Reliability;
using BidLocks.Tests.Sqlite;

namespace BidLocks.Tests.Failover;

/// <summary>
/// Three application instances as real child processes (<c>BidLocks.TestHost failover-bidder</c>), each with its own
/// manager on a <c>redis+sentinel://</c> URL, bidding on <see cref="Postings"/> postings with 30 ms bodies into one
/// shared <see cref="SoakLedger"/> (its counters catch overlapping bodies, its fence logs fences that go back). Every line
/// they print (a bid, the manager's move) is kept with its monotonic timestamp, so the test waits for the lines it needs.
/// </summary>
internal sealed class FailoverBidders : IAsyncDisposable
{
    public const int Processes = 3;
    public const int WorkersPerProcess = 4;
    public const int Postings = 4;

    private readonly List<TestHostProcess> _hosts;
    private readonly object _gate = new();
    private readonly List<BidderLine> _lines = [];
    private readonly List<(Func<BidderLine, bool> Matches, TaskCompletionSource<BidderLine> Found)> _waits = [];
    private readonly List<TaskCompletionSource<FailoverBidderSummary>> _done;
    private readonly List<Task> _readers;

    private FailoverBidders(SoakLedger ledger, List<TestHostProcess> hosts)
    {
        Ledger = ledger;
        _hosts = hosts;
        _done = hosts.Select(_ => new TaskCompletionSource<FailoverBidderSummary>(TaskCreationOptions.RunContinuationsAsynchronously)).ToList();
        _readers = hosts.Select((host, index) => Task.Run(() => ReadAsync(host, index))).ToList();
    }

    public SoakLedger Ledger { get; }

    public static async Task<FailoverBidders> StartAsync(string url, int minReplicas, string ledgerFolder)
    {
        var ledger = SoakLedger.Create(ledgerFolder, Postings);
        var marketplace = "failover-" + Guid.NewGuid().ToString("N");
        var hosts = Enumerable.Range(0, Processes).Select(_ => TestHostProcess.Start(
        [
            "failover-bidder", "--redis-url", url, "--min-replicas", minReplicas.ToString(CultureInfo.InvariantCulture),
            "--marketplace", marketplace, "--ledger", ledgerFolder, "--max-seconds", "300",
            "--postings", Postings.ToString(CultureInfo.InvariantCulture), "--workers", WorkersPerProcess.ToString(CultureInfo.InvariantCulture),
        ])).ToList();
        await ReadySetGo.StartTogetherAsync(hosts);
        return new FailoverBidders(ledger, hosts);
    }

    public IReadOnlyList<BidderLine> Lines
    {
        get
        {
            lock (_gate)
            {
                return _lines.ToList();
            }
        }
    }

    /// <summary>The first line (already printed or still to come) that <paramref name="matches"/>, within 90 s.</summary>
    public async Task<BidderLine> FirstAsync(Func<BidderLine, bool> matches, string what)
    {
        Task<BidderLine> found;
        lock (_gate)
        {
            if (_lines.FirstOrDefault(matches) is { } seen)
            {
                return seen;
            }

            var wait = new TaskCompletionSource<BidderLine>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waits.Add((matches, wait));
            found = wait.Task;
        }

        try
        {
            return await found.WaitAsync(TimeSpan.FromSeconds(90), TestContext.Current.CancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"No bidder printed {what} within 90 s; errors: {string.Join('\n', _hosts.Select(host => host.Errors))}");
        }
    }

    /// <summary>Tells every process to stop and returns what each counted.</summary>
    public async Task<IReadOnlyList<FailoverBidderSummary>> StopAsync()
    {
        foreach (var host in _hosts)
        {
            await host.WriteLineAsync("stop");
        }

        var summaries = await Task.WhenAll(_done.Select(done => done.Task.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken)));
        foreach (var host in _hosts)
        {
            Assert.Equal(0, await host.WaitForExitAsync());
        }

        return summaries;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }

        await Task.WhenAll(_readers);
    }

    // "bid <posting> <stamp>", "named <endpoint> <stamp>", "moved <endpoint> <stamp>", "done {json}"
    private async Task ReadAsync(TestHostProcess host, int process)
    {
        try
        {
            while (true)
            {
                var text = await host.ReadLineAsync();
                if (text.StartsWith("done ", StringComparison.Ordinal))
                {
                    _done[process].TrySetResult(JsonSerializer.Deserialize<FailoverBidderSummary>(text["done ".Length..])!);
                    return;
                }

                var parts = text.Split(' ');
                if (parts.Length is not (3 or 4))
                {
                    continue;
                }

                var at = long.Parse(parts[2], CultureInfo.InvariantCulture);
                var line = new BidderLine(process, parts[0], parts[1], at, parts.Length == 4 ? long.Parse(parts[3], CultureInfo.InvariantCulture) : at);
                lock (_gate)
                {
                    _lines.Add(line);
                    foreach (var wait in _waits.Where(wait => wait.Matches(line)).ToList())
                    {
                        _waits.Remove(wait);
                        wait.Found.TrySetResult(line);
                    }
                }
            }
        }
        catch (Exception exception) when (exception is InvalidOperationException or OperationCanceledException)
        {
            // Exited or killed: StopAsync reports a process that never said "done".
            _done[process].TrySetException(exception);
        }
    }
}

/// <summary>One line a <see cref="FailoverBidders"/> process printed.</summary>
/// <param name="Process">Which process (0 to 2).</param>
/// <param name="Kind"><c>bid</c>, <c>named</c> or <c>moved</c>.</param>
/// <param name="Subject">The posting of a bid; the endpoint of a move.</param>
/// <param name="At">The <see cref="System.Diagnostics.Stopwatch"/> timestamp, in the child process (the clock is machine-wide).</param>
/// <param name="AskedAt">For a bid, when its acquire was called (<c>FailoverBidder</c>); else <paramref name="At"/>.</param>
internal sealed record BidderLine(int Process, string Kind, string Subject, long At, long AskedAt);
