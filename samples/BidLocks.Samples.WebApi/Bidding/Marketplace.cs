using System.Collections.Concurrent;

namespace BidLocks.Samples.WebApi.Bidding;

/// <summary>
/// Stands in for the marketplace's bid API. Placing a bid takes a moment (the window in which a second, unlocked bid
/// on the same posting would be a duplicate); the marketplace refuses a fencing token lower than one it has seen for the
/// posting, as a real one should, and counts what it saw, so that <c>GET /ledger</c> shows bids and duplicates.
/// </summary>
public sealed class Marketplace(IConfiguration configuration)
{
    private readonly TimeSpan _placing = TimeSpan.FromMilliseconds(configuration.GetValue("Sample:PlacingMilliseconds", 20));
    private readonly string _instance = configuration["BidLocks:InstanceId"] ?? $"{Environment.MachineName}-{Environment.ProcessId}";
    private readonly ConcurrentDictionary<string, PostingState> _postings = new(StringComparer.Ordinal);
    private long _bids;
    private long _duplicates;
    private long _staleFences;

    public async Task<BidReceipt> SubmitAsync(string postingId, BidRequest bid, long fencingToken, CancellationToken cancellationToken)
    {
        var posting = _postings.GetOrAdd(postingId, static _ => new PostingState());
        var started = DateTimeOffset.UtcNow;
        if (Interlocked.Increment(ref posting.InFlight) > 1)
        {
            // Another bid on this posting is being placed right now: exactly what the lock exists to prevent.
            Interlocked.Increment(ref _duplicates);
        }

        try
        {
            if (!posting.Accept(fencingToken))
            {
                Interlocked.Increment(ref _staleFences);
                throw new InvalidOperationException($"Refused a stale fencing token {fencingToken} for posting {postingId}.");
            }

            await Task.Delay(_placing, cancellationToken);
            Interlocked.Increment(ref _bids);
            return new BidReceipt(postingId, bid.Bidder, bid.Amount, fencingToken, started, DateTimeOffset.UtcNow, _instance);
        }
        finally
        {
            Interlocked.Decrement(ref posting.InFlight);
        }
    }

    public LedgerAudit Audit() => new(Interlocked.Read(ref _bids), Interlocked.Read(ref _duplicates), Interlocked.Read(ref _staleFences), _postings.Count);

    private sealed class PostingState
    {
        public int InFlight;
        private long _highestFence;

        public bool Accept(long fencingToken)
        {
            lock (this)
            {
                if (fencingToken < _highestFence)
                {
                    return false;
                }

                _highestFence = fencingToken;
                return true;
            }
        }
    }
}

/// <summary>What this instance's marketplace saw.</summary>
/// <param name="Bids">Bids placed.</param>
/// <param name="Duplicates">Bids placed while another on the same posting was being placed (0 with the lock).</param>
/// <param name="StaleFences">Bids refused for a fencing token below one already seen.</param>
/// <param name="Postings">Postings bid on.</param>
public sealed record LedgerAudit(long Bids, long Duplicates, long StaleFences, int Postings);
