namespace BidLocks;

/// <summary>
/// The order of <see cref="IBidLockManager.ListHeldAsync"/>: longest-held first (earliest <see cref="BidLockInfo.HeldSince"/>),
/// holds whose start is unknown after those, then by key so the order is stable; and the cut to the first few, kept
/// bounded while a scan is still finding locks.
/// </summary>
internal sealed class HeldLockRanking
{
    private readonly int _limit;
    private readonly List<BidLockInfo> _kept = [];

    public HeldLockRanking(int limit) => _limit = limit;

    public static int Compare(BidLockInfo a, BidLockInfo b)
    {
        var bySince = (a.HeldSince, b.HeldSince) switch
        {
            ({ } x, { } y) => x.CompareTo(y),
            (null, { }) => 1,
            ({ }, null) => -1,
            _ => 0,
        };
        return bySince != 0 ? bySince : string.CompareOrdinal(a.Key, b.Key);
    }

    public void Add(BidLockInfo held)
    {
        _kept.Add(held);
        // Trimmed now and then rather than at every add: a scan of many held locks keeps at most twice the limit.
        if (_kept.Count >= Math.Max(2 * _limit, 64))
        {
            Trim();
        }
    }

    public IReadOnlyList<BidLockInfo> Result()
    {
        Trim();
        return [.. _kept];
    }

    private void Trim()
    {
        _kept.Sort(Compare);
        if (_kept.Count > _limit)
        {
            _kept.RemoveRange(_limit, _kept.Count - _limit);
        }
    }
}
