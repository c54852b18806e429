using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using BidLocks;

namespace BidLocks.TestHost;

/// <summary>
/// One application instance of the fail-over tests: <c>--workers</c> workers, worker <c>i</c> on posting
/// <c>i % --postings</c>, each bid a 30 ms body that writes the shared <see cref="SoakLedger"/> inside the posting's
/// lock. Prints <c>bid &lt;posting&gt; &lt;stamp&gt; &lt;asked&gt;</c> for every bid (when the acquire returned, and when it
/// was called) and the manager's
/// move lines (<see cref="MoveLines"/>), so the test sees when each instance moved and which postings it bid on after;
/// refused calls are only counted (a refused call returns at once, and a line each would flood the pipe). Ends, after
/// <c>stop</c>, with <c>done {"Unavailable":…,"Timeouts":…,"Bids":…,"LedgerErrors":…}</c>.
/// </summary>
internal static class FailoverBidder
{
    private static readonly TimeSpan Body = TimeSpan.FromMilliseconds(30);
    private static readonly TimeSpan AcquireTimeout = TimeSpan.FromSeconds(2);

    public static async Task<int> RunAsync(Arguments arguments)
    {
        await using var manager = await ManagerFromArguments.OpenAsync(arguments, new MoveLines());
        var marketplace = arguments.Text("marketplace");
        var postings = arguments.Number("postings");
        var ledger = new SoakLedger(arguments.Text("ledger"));
        var failures = new BidFailures();
        long bids = 0;

        using var stop = ReadyGoStop.WaitForGo(arguments);
        if (stop is null)
        {
            return 3;
        }

        var workers = Enumerable.Range(0, arguments.Number("workers")).Select(worker => Task.Run(async () =>
        {
            var posting = worker % postings;
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await failures.TryAsync(async () =>
                    {
                        var askedAt = Stopwatch.GetTimestamp();
                        await using var lease = await manager.AcquireAsync(marketplace, $"posting-{posting}", AcquireTimeout, stop.Token);
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bid {posting} {Stopwatch.GetTimestamp()} {askedAt}"));
                        await ledger.BidAsync(posting, lease.FencingToken);
                        // The rest of the body: a bid placed with a marketplace takes a while (a run length, not a wait).
                        await Task.Delay(Body, CancellationToken.None);
                        Interlocked.Increment(ref bids);
                    });
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    break;
                }
            }
        })).ToArray();
        await Task.WhenAll(workers);

        Console.WriteLine("done " + JsonSerializer.Serialize(new FailoverBidderSummary(failures.Unavailable, failures.Timeouts, bids, failures.LedgerErrors)));
        return 0;
    }
}

/// <summary>What one <see cref="FailoverBidder"/> counted.</summary>
public sealed record FailoverBidderSummary(long Unavailable, long Timeouts, long Bids, long LedgerErrors);
