using System.Diagnostics;
using System.Text.Json;
using BidLocks;

namespace BidLocks.TestHost;

/// <summary>
/// One soak process: many workers bid on random postings, each bid a read-modify-write of the posting's counter in a
/// <see cref="SoakLedger"/> inside the posting's lock, until the test writes <c>stop</c> (or <c>--max-seconds</c>
/// passes, in case the test died). Backend failures are counted and retried after a short pause; the process reports
/// when it starts and stops getting locks (<see cref="SoakState"/>) and ends with a <see cref="SoakSummary"/>. With
/// <c>--long-hold-seconds</c>, one more worker holds postings of its own for that long each time (<see cref="LongHolds"/>).
/// </summary>
internal static class Soak
{
    private static readonly TimeSpan AcquireTimeout = TimeSpan.FromSeconds(30);

    public static async Task<int> RunAsync(Arguments arguments)
    {
        await using var manager = await ManagerFromArguments.OpenAsync(arguments);
        var marketplace = arguments.Text("marketplace");
        var postings = arguments.Number("postings");
        var ledger = new SoakLedger(arguments.Text("ledger"));
        var successes = new long[postings];
        long timeouts = 0, unavailable = 0, ledgerErrors = 0;
        var state = new SoakState();
        // The control run: the same bids without the lock, to show that the ledger catches overlaps.
        var noLock = arguments.Flag("no-lock");

        using var stop = ReadyGoStop.WaitForGo(arguments);
        if (stop is null)
        {
            return 3;
        }

        var clock = Stopwatch.StartNew();
        var longHolds = arguments.Optional("long-hold-seconds") is { } seconds
            ? new LongHolds(manager, marketplace, TimeSpan.FromSeconds(double.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture)))
            : null;
        var longHolder = longHolds is null ? Task.CompletedTask : Task.Run(() => longHolds.RunAsync(stop.Token));
        var workers = Enumerable.Range(0, arguments.Number("workers")).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var posting = Random.Shared.Next(postings);
                try
                {
                    await using var lease = noLock ? null : await manager.AcquireAsync(marketplace, $"posting-{posting}", AcquireTimeout, stop.Token);
                    var acquiredAt = Stopwatch.GetTimestamp();
                    try
                    {
                        await ledger.BidAsync(posting, lease?.FencingToken ?? 0);
                    }
                    catch (Exception exception) when (exception is IOException or FormatException)
                    {
                        // A half-written counter: another holder was inside the same lock.
                        Interlocked.Increment(ref ledgerErrors);
                        continue;
                    }

                    Interlocked.Increment(ref successes[posting]);
                    state.Succeeded(acquiredAt);
                }
                catch (BidLockTimeoutException)
                {
                    Interlocked.Increment(ref timeouts);
                }
                catch (BidLockUnavailableException)
                {
                    Interlocked.Increment(ref unavailable);
                    state.Failed(Stopwatch.GetTimestamp());
                    // Pacing only: a dead backend answers at once, and a tight loop would starve the machine.
                    await Task.Delay(10, CancellationToken.None);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    break;
                }
            }
        })).ToArray();
        await Task.WhenAll(workers);
        await longHolder;

        var summary = new SoakSummary(Environment.ProcessId, successes, timeouts, unavailable, ledgerErrors, manager.GetMetrics(), clock.Elapsed.TotalSeconds, longHolds?.Holds ?? []);
        Console.WriteLine("done " + JsonSerializer.Serialize(summary));
        return 0;
    }
}
