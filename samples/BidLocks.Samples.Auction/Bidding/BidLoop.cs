using System.Diagnostics;
using BidLocks.Samples.Auction.Usage;

namespace BidLocks.Samples.Auction.Bidding;

/// <summary>
/// One worker of a bidder process: bids on a random posting, again and again, until told to stop. Several run at
/// once in every process, so bids collide inside a process as well as between processes.
/// </summary>
/// <remarks>
/// With <c>bundle</c> above 1, each bid is a bundle of that many distinct postings, picked at random and listed in random
/// order, so two bundles that share postings often name them in opposite orders.
/// </remarks>
/// <param name="wants">Where each bid's want of its postings (call to return) is recorded, for the run's posting demand; null records nothing.</param>
internal sealed class BidLoop(IBidService service, string marketplaceId, IReadOnlyList<Posting> postings, int bundle, BidderCounters counters, BodyLog? wants = null)
{
    /// <summary>How long each bid waited for its lock, in microseconds.</summary>
    public List<long> AcquireMicros { get; } = [];

    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            Posting[] picked = bundle == 1 ? [postings[Random.Shared.Next(postings.Count)]] : PickBundle();
            var called = Stopwatch.GetTimestamp();
            var calledMicros = BodyLog.NowMicros();
            var failed = false;
            try
            {
                var bodyStarted = bundle == 1
                    ? (await service.PlaceBidAsync(marketplaceId, picked[0], stop).ConfigureAwait(false)).BodyStartedTimestamp
                    : (await service.PlaceBundleAsync(marketplaceId, picked, stop).ConfigureAwait(false))[0].BodyStartedTimestamp;
                AcquireMicros.Add((long)Stopwatch.GetElapsedTime(called, bodyStarted).TotalMicroseconds);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // The run ended while this bid waited for its lock or for the marketplace: it was not placed.
                break;
            }
            catch (BidLockTimeoutException)
            {
                // The lock stayed taken for the whole timeout; the body did not run, so no bid was placed.
                counters.Timeout();
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // Reported and counted, not fatal: the summary shows it and the run fails at the end. A short pause
                // keeps a persistent failure (say, the backend went away) from spinning.
                counters.Error(exception);
                failed = true;
            }
            finally
            {
                // Placed, timed out, failed or stopped: the bid wanted its postings until now.
                wants?.AddWant(picked.Select(posting => posting.Id), calledMicros, BodyLog.NowMicros());
            }

            if (failed)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    // A partial shuffle: the first `bundle` of a random permutation, in the order drawn.
    private Posting[] PickBundle()
    {
        var pool = postings.ToArray();
        for (var i = 0; i < bundle; i++)
        {
            var j = Random.Shared.Next(i, pool.Length);
            (pool[i], pool[j]) = (pool[j], pool[i]);
        }

        return pool[..bundle];
    }
}
