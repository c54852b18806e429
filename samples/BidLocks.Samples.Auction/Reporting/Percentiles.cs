namespace BidLocks.Samples.Auction.Reporting;

/// <summary>Acquire-latency percentiles from every bid's own measurement (no sampling, no histogram buckets).</summary>
internal sealed class Percentiles
{
    private readonly long[] _sorted;

    public Percentiles(IEnumerable<long> values)
    {
        _sorted = values.ToArray();
        Array.Sort(_sorted);
    }

    public int Count => _sorted.Length;

    /// <summary>The nearest-rank percentile in milliseconds (<paramref name="p"/> from 0 to 1), or null without values.</summary>
    public double? Millis(double p)
    {
        if (_sorted.Length == 0)
        {
            return null;
        }

        var rank = (int)Math.Ceiling(p * _sorted.Length);
        return _sorted[Math.Clamp(rank - 1, 0, _sorted.Length - 1)] / 1000.0;
    }
}
