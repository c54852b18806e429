using System.Diagnostics;
using BidLocks.Samples.Auction.Bidding;

namespace BidLocks.Samples.Auction.Worker;

/// <summary>
/// One worker of a bidder process: bids on a random posting, again and again, until told to stop. Several run at
/// once in every process, so bids collide inside a process as well as between processes.
/// </summary>
internal sealed class BidLoop(IBidService service, string marketplaceId, IReadOnlyList<Posting> postings, BidderCounters counters)
{
    /// <summary>How long each bid waited for its lock, in microseconds.</summary>
    public List<long> AcquireMicros { get; } = [];

    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var posting = postings[Random.Shared.Next(postings.Count)];
            var called = Stopwatch.GetTimestamp();
            try
            {
                var receipt = await service.PlaceBidAsync(marketplaceId, posting, stop).ConfigureAwait(false);
                AcquireMicros.Add((long)Stopwatch.GetElapsedTime(called, receipt.BodyStartedTimestamp).TotalMicroseconds);
                counters.Bid();
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
                await Task.Delay(TimeSpan.FromMilliseconds(100), CancellationToken.None).ConfigureAwait(false);
            }
        }
    }
}
