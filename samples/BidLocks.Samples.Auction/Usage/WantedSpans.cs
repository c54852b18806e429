namespace BidLocks.Samples.Auction.Usage;

/// <summary>
/// When one posting was wanted by at least one bidder: the union of its bids' wants, as disjoint spans in time order.
/// </summary>
internal sealed class WantedSpans
{
    private readonly List<(long Start, long End)> _spans;

    private WantedSpans(List<(long Start, long End)> spans) => _spans = spans;

    /// <summary>The sum of the spans, µs.</summary>
    public long TotalMicros => _spans.Sum(span => span.End - span.Start);

    /// <summary>The union of <paramref name="wants"/>, cut to the run (<paramref name="runStart"/> to <paramref name="runEnd"/>).</summary>
    public static WantedSpans Of(IEnumerable<PostingTime> wants, long runStart, long runEnd)
    {
        var spans = new List<(long Start, long End)>();
        foreach (var want in wants.OrderBy(want => want.StartMicros))
        {
            var start = Math.Max(want.StartMicros, runStart);
            var end = Math.Min(want.EndMicros, runEnd);
            if (end <= start)
            {
                continue;
            }

            if (spans.Count > 0 && start <= spans[^1].End)
            {
                spans[^1] = (spans[^1].Start, Math.Max(spans[^1].End, end));
            }
            else
            {
                spans.Add((start, end));
            }
        }

        return new WantedSpans(spans);
    }

    /// <summary>True when one span holds all of <paramref name="from"/> to <paramref name="to"/>: wanted throughout.</summary>
    public bool Covers(long from, long to)
    {
        // The last span that starts at or before `from`.
        int low = 0, high = _spans.Count - 1, found = -1;
        while (low <= high)
        {
            var middle = (low + high) / 2;
            if (_spans[middle].Start <= from)
            {
                found = middle;
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return found >= 0 && _spans[found].End >= to;
    }
}
