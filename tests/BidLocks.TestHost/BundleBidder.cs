using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using BidLocks;

namespace BidLocks.TestHost;

/// <summary>
/// One process of the bundle-among-singles test (Reliability/BundleAmongSinglesTests): every worker bids on <c>--bundle K</c> distinct random
/// postings of <c>--postings N</c>, named in random order (K = 1: one posting through <see cref="IBidLockManager.AcquireAsync"/>;
/// K &gt; 1: a set through <see cref="IBidLockManager.AcquireManyAsync"/>), each bid a <see cref="SoakLedger"/> update of
/// every posting under that posting's own fence. Runs from <c>go</c> to <c>stop</c>, then writes every hold
/// (<see cref="BundleHold"/>) to <c>--holds FILE</c>, so the test can line up each posting's turns and each bundle's
/// wait, prints <c>done {…}</c> (<see cref="BundleBidderSummary"/>) and exits.
/// </summary>
internal static class BundleBidder
{
    public static async Task<int> RunAsync(Arguments arguments)
    {
        await using var manager = await ManagerFromArguments.OpenAsync(arguments);
        var marketplace = arguments.Text("marketplace");
        var postings = arguments.Number("postings");
        var bundle = arguments.Number("bundle");
        var ledger = new SoakLedger(arguments.Text("ledger"));
        // Long on purpose: a bundle starved by the singles should show as a wait far past the test's bound, not be cut short.
        var timeout = TimeSpan.FromMilliseconds(arguments.Number("timeout-ms"));
        var bids = new long[postings];
        var holds = new ConcurrentQueue<BundleHold>();
        var failures = new BidFailures();
        long unfinishedWaitTicks = 0;

        using var stop = ReadyGoStop.WaitForGo(arguments);
        if (stop is null)
        {
            return 3;
        }

        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, arguments.Number("workers")).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var chosen = Pick(postings, bundle);
                var names = Array.ConvertAll(chosen, MultiSoak.PostingName);
                var waitStart = Stopwatch.GetTimestamp();
                try
                {
                    await failures.TryAsync(async () =>
                    {
                        await using var lease = bundle == 1
                            ? await manager.AcquireAsync(marketplace, names[0], timeout, stop.Token)
                            : await manager.AcquireManyAsync(marketplace, names, new BidLockAcquireOptions(timeout), stop.Token);
                        var bodyStart = Stopwatch.GetTimestamp();
                        var fences = Array.ConvertAll(names, lease.GetFencingToken);
                        for (var i = 0; i < chosen.Length; i++)
                        {
                            await ledger.BidAsync(chosen[i], fences[i]);
                            Interlocked.Increment(ref bids[chosen[i]]);
                        }

                        holds.Enqueue(new BundleHold(chosen, fences, waitStart, bodyStart, Stopwatch.GetTimestamp()));
                    });
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    // A call still waiting when the run stops counts too: a starved bundle never gets to write its hold.
                    var waited = Stopwatch.GetTimestamp() - waitStart;
                    for (var seen = Volatile.Read(ref unfinishedWaitTicks); waited > seen; seen = Volatile.Read(ref unfinishedWaitTicks))
                    {
                        if (Interlocked.CompareExchange(ref unfinishedWaitTicks, waited, seen) == seen)
                        {
                            break;
                        }
                    }

                    break;
                }
            }
        })).ToArray();
        await Task.WhenAll(workers);
        var seconds = clock.Elapsed.TotalSeconds;

        await File.WriteAllLinesAsync(arguments.Text("holds"), holds.Select(hold => hold.ToLine()));
        var summary = new BundleBidderSummary(Environment.ProcessId, bundle, bids, holds.Count, failures.Timeouts, failures.Unavailable, failures.LedgerErrors,
            Stopwatch.GetElapsedTime(0, unfinishedWaitTicks).TotalMilliseconds, seconds);
        Console.WriteLine("done " + JsonSerializer.Serialize(summary));
        return 0;
    }

    /// <summary><paramref name="count"/> distinct posting indexes out of <paramref name="postings"/>, in random order.</summary>
    private static int[] Pick(int postings, int count)
    {
        var all = Enumerable.Range(0, postings).ToArray();
        Random.Shared.Shuffle(all);
        return all[..count];
    }
}
