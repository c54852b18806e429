using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using BidLocks;

namespace BidLocks.TestHost;

/// <summary>
/// One process of the multi-posting soak: every worker takes this process's set of postings (<c>--shape 1,0</c>, in
/// the order given, which other processes give differently) through one <see cref="IBidLockManager.AcquireManyAsync"/>
/// and, while holding it, bids on each posting in the shared <see cref="SoakLedger"/>. Every fourth call is an
/// impatient probe with no wait for the set plus a posting of this process's own (<c>--probe-posting</c>, named to
/// come first in lock order, so always free): it takes that one, then fails on the first busy shared posting and must
/// give back everything it took. <c>--by-hand</c> is the control: the same postings taken one at a time in the listed order, as code
/// without multi-posting locks would, which deadlocks until the timeout. After <c>stop</c> it prints <c>done {…}</c>
/// and keeps its manager open until <c>exit</c>, so the test can check that no posting is left held.
/// </summary>
public static class MultiSoak
{
    internal static async Task<int> RunAsync(Arguments arguments)
    {
        await using var manager = await ManagerFromArguments.OpenAsync(arguments);
        var marketplace = arguments.Text("marketplace");
        var shape = arguments.Text("shape").Split(',').Select(index => int.Parse(index, CultureInfo.InvariantCulture)).ToArray();
        var postings = shape.Select(PostingName).ToArray();
        var ledger = new SoakLedger(arguments.Text("ledger"));
        var timeout = TimeSpan.FromMilliseconds(arguments.Number("timeout-ms"));
        // A patient call still waiting this long when the run stops is stuck: a deadlock that formed too late in the run
        // to reach its timeout would otherwise go unseen.
        var stuckAfter = timeout / 2;
        var byHand = arguments.Flag("by-hand");
        var counters = new Counters(shape.Max() + 1);
        // The first posting in lock order: a probe that fails on any other one had taken a posting and gave it back.
        var probeSet = postings.Append(arguments.Text("probe-posting")).ToArray();
        var firstInOrder = probeSet.Order(StringComparer.Ordinal).First();

        Console.WriteLine("ready");
        if (Console.ReadLine() != "go")
        {
            return 3;
        }

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(arguments.Number("max-seconds")));
        var exit = new TaskCompletionSource();
        _ = Task.Run(async () =>
        {
            while (await Console.In.ReadLineAsync() is { } line)
            {
                if (line == "stop")
                {
                    await stop.CancelAsync();
                }
                else if (line == "exit")
                {
                    break;
                }
            }

            await stop.CancelAsync();
            exit.TrySetResult();
        });

        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, arguments.Number("workers")).Select(_ => Task.Run(async () =>
        {
            for (var call = 0; !stop.IsCancellationRequested; call++)
            {
                var probe = !byHand && call % 4 == 3;
                var started = Stopwatch.GetTimestamp();
                var acquired = false;
                try
                {
                    var leases = byHand
                        ? await TakeByHandAsync(manager, marketplace, postings, timeout, stop.Token)
                        : [await manager.AcquireManyAsync(marketplace, probe ? probeSet : postings, new BidLockAcquireOptions(probe ? TimeSpan.Zero : timeout), stop.Token)];
                    acquired = true;
                    try
                    {
                        counters.Waited(Stopwatch.GetElapsedTime(started));
                        foreach (var index in shape)
                        {
                            var posting = PostingName(index);
                            await ledger.BidAsync(index, leases.First(lease => lease.PostingIds.Contains(posting)).GetFencingToken(posting));
                            counters.Bid(index);
                        }

                        counters.Held();
                    }
                    finally
                    {
                        await ReleaseAllAsync(leases);
                    }
                }
                catch (BidLockTimeoutException timedOut) when (probe)
                {
                    counters.ProbeFailed(timedOut.PostingId != firstInOrder);
                }
                catch (BidLockTimeoutException)
                {
                    counters.TimedOut();
                }
                catch (BidLockUnavailableException)
                {
                    counters.Unavailable();
                    // Pacing only: a dead backend answers at once, and a tight loop would starve the machine.
                    await Task.Delay(10, CancellationToken.None);
                }
                catch (Exception exception) when (exception is IOException or FormatException)
                {
                    // A half-written counter: another holder was inside the same posting.
                    counters.LedgerError();
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    if (!acquired && Stopwatch.GetElapsedTime(started) >= stuckAfter)
                    {
                        counters.Stuck();
                    }

                    break;
                }
            }
        })).ToArray();
        await Task.WhenAll(workers);

        Console.WriteLine("done " + JsonSerializer.Serialize(counters.Summary(shape, clock.Elapsed.TotalSeconds)));
        await exit.Task;
        return 0;
    }

    public static string PostingName(int index) => string.Create(CultureInfo.InvariantCulture, $"posting-{index}");

    /// <summary>The control: one lock per posting, in the order listed, each with the whole timeout.</summary>
    private static async Task<List<BidLockLease>> TakeByHandAsync(IBidLockManager manager, string marketplace, string[] postings, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var taken = new List<BidLockLease>();
        try
        {
            foreach (var posting in postings)
            {
                taken.Add(await manager.AcquireAsync(marketplace, posting, timeout, cancellationToken));
            }
        }
        catch
        {
            await ReleaseAllAsync(taken);
            throw;
        }

        return taken;
    }

    private static async Task ReleaseAllAsync(List<BidLockLease> leases)
    {
        for (var i = leases.Count - 1; i >= 0; i--)
        {
            await leases[i].DisposeAsync();
        }
    }

    private sealed class Counters(int postings)
    {
        private readonly long[] _bids = new long[postings];
        private long _held, _timeouts, _stuck, _probeFailures, _probeRollbacks, _unavailable, _ledgerErrors, _maxWaitTicks;

        public void Bid(int posting) => Interlocked.Increment(ref _bids[posting]);

        public void Held() => Interlocked.Increment(ref _held);

        public void TimedOut() => Interlocked.Increment(ref _timeouts);

        public void Stuck() => Interlocked.Increment(ref _stuck);

        public void Unavailable() => Interlocked.Increment(ref _unavailable);

        public void LedgerError() => Interlocked.Increment(ref _ledgerErrors);

        public void ProbeFailed(bool rolledBack)
        {
            Interlocked.Increment(ref _probeFailures);
            if (rolledBack)
            {
                Interlocked.Increment(ref _probeRollbacks);
            }
        }

        public void Waited(TimeSpan wait)
        {
            var seen = Volatile.Read(ref _maxWaitTicks);
            while (wait.Ticks > seen && Interlocked.CompareExchange(ref _maxWaitTicks, wait.Ticks, seen) is var actual && actual != seen)
            {
                seen = actual;
            }
        }

        public MultiSoakSummary Summary(int[] shape, double seconds) => new(
            Environment.ProcessId, shape, _bids, _held, _timeouts, _stuck, TimeSpan.FromTicks(_maxWaitTicks).TotalMilliseconds,
            _probeFailures, _probeRollbacks, _unavailable, _ledgerErrors, seconds);
    }
}
