using System.Globalization;
using BidLocks.Samples.Auction.Bidding;
using BidLocks.Samples.Auction.CommandLine;
using BidLocks.Samples.Auction.Ledger;
using BidLocks.Samples.Auction.Usage;

namespace BidLocks.Samples.Auction.Coordination;

/// <summary>
/// A bidder process (<c>--worker N</c>): one instance of a bidding service. Opens the lock the way an application
/// would, says <c>ready</c>, waits for <c>start</c>, bids with several loops for the run's duration while reporting
/// progress, and reports its totals.
/// </summary>
internal static class BidderInstance
{
    /// <summary>How long a bidder waits for <c>start</c> before it gives up: it must not live on if never started.</summary>
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(500);

    public static async Task<int> RunAsync(AuctionSettings options)
    {
        var instance = options.WorkerId!.Value;
        using var link = CoordinatorLink.Listen();

        // Ctrl+C in a terminal signals the coordinator and every bidder alike: stop bidding, report, and let the
        // coordinator print the summary of what happened so far.
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            link.RequestStop();
        };

        LockBackend? backend = null;
        try
        {
            if (!options.NoLock)
            {
                backend = await LockBackend.OpenAsync($"bidder-{instance}", link.StopRequested).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            link.Send(new BidderMessage { Type = BidderMessage.Failed, Instance = instance, ProcessId = Environment.ProcessId, Error = $"the lock did not open: {exception.Message}" });
            return 1;
        }

        await using var manager = backend?.Manager;
        link.Send(new BidderMessage
        {
            Type = BidderMessage.Ready,
            Instance = instance,
            ProcessId = Environment.ProcessId,
            Backend = backend?.Manager.Backend ?? "none",
            Reason = backend?.Reason,
        });

        try
        {
            await link.Started.WaitAsync(StartTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await Console.Error.WriteLineAsync($"bidder {instance}: no start from the coordinator within {StartTimeout.TotalSeconds} s; exiting").ConfigureAwait(false);
            return 1;
        }
        catch (OperationCanceledException)
        {
            return link.CoordinatorGone ? 3 : 0;
        }

        var counters = new BidderCounters();
        var bodies = new BodyLog();
        IReadOnlyList<BidLoop> loops;
        try
        {
            loops = await RunLoopsAsync(options, instance, manager, link, counters, bodies).ConfigureAwait(false);
            bodies.WriteTo(options.RunDirectory!, instance);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Not a failed bid (those are counted in the loops) but a failure to bid at all, such as an unreadable ledger.
            link.Send(new BidderMessage { Type = BidderMessage.Failed, Instance = instance, ProcessId = Environment.ProcessId, Error = $"{exception.GetType().Name}: {exception.Message}" });
            return 1;
        }

        if (link.CoordinatorGone)
        {
            return 3;
        }

        link.Send(Counts(BidderMessage.Done, instance, manager, counters) with
        {
            Error = counters.FirstError,
            AcquireMicros = manager is null ? null : loops.SelectMany(loop => loop.AcquireMicros).ToArray(),
        });
        return 0;
    }

    /// <summary>The counters so far, as the coordinator's progress lines and summary read them.</summary>
    private static BidderMessage Counts(string type, int instance, IBidLockManager? manager, BidderCounters counters) => new()
    {
        Type = type,
        Instance = instance,
        ProcessId = Environment.ProcessId,
        Bids = counters.Bids,
        Waits = manager?.GetMetrics().LockConflicts ?? 0,
        Timeouts = counters.Timeouts,
        Errors = counters.Errors,
    };

    private static async Task<IReadOnlyList<BidLoop>> RunLoopsAsync(AuctionSettings options, int instance, IBidLockManager? manager, CoordinatorLink link, BidderCounters counters, BodyLog bodies)
    {
        var ledgerPath = RunFolder.LedgerPathIn(options.RunDirectory!);
        var postings = Enumerable.Range(1, options.Postings).Select(i => new Posting("posting-" + i.ToString(CultureInfo.InvariantCulture))).ToArray();
        var latency = TimeSpan.FromMilliseconds(options.LatencyMs);
        var sessions = new List<LedgerSession>();
        var loops = new List<BidLoop>();
        try
        {
            for (var worker = 0; worker < options.Workers; worker++)
            {
                var session = MarketplaceLedger.OpenSession(ledgerPath);
                sessions.Add(session);
                var placer = new BidPlacer(session, instance, worker, latency, counters.Bid);

                // The only difference between the two modes: which service the loops call.
                IBidService service = manager is null ? new UnlockedBidService(placer) : new BidService(manager, placer, bodies);
                loops.Add(new BidLoop(service, options.MarketplaceId!, postings, options.Bundle, counters, manager is null ? null : bodies));
            }

            using var run = CancellationTokenSource.CreateLinkedTokenSource(link.StopRequested);
            run.CancelAfter(TimeSpan.FromSeconds(options.Seconds));
            var bidding = Task.WhenAll(loops.Select(loop => Task.Run(() => loop.RunAsync(run.Token), CancellationToken.None)));

            while (!bidding.IsCompleted)
            {
                await Task.WhenAny(bidding, Task.Delay(ProgressInterval, CancellationToken.None)).ConfigureAwait(false);
                link.Send(Counts(BidderMessage.Progress, instance, manager, counters));
            }

            await bidding.ConfigureAwait(false);
            return loops;
        }
        finally
        {
            foreach (var session in sessions)
            {
                session.Dispose();
            }
        }
    }
}
