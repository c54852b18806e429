namespace BidLocks.Samples.Auction.Bidding;

/// <summary>One bidder process's tallies, shared by its bid loops and read by its progress reports.</summary>
internal sealed class BidderCounters
{
    private long _bids;
    private long _timeouts;
    private long _errors;
    private string? _firstError;

    public long Bids => Interlocked.Read(ref _bids);

    public long Timeouts => Interlocked.Read(ref _timeouts);

    public long Errors => Interlocked.Read(ref _errors);

    public string? FirstError => Volatile.Read(ref _firstError);

    public void Bid() => Interlocked.Increment(ref _bids);

    public void Timeout() => Interlocked.Increment(ref _timeouts);

    public void Error(Exception exception)
    {
        Interlocked.Increment(ref _errors);
        Interlocked.CompareExchange(ref _firstError, $"{exception.GetType().Name}: {exception.Message}", null);
    }
}
