using System.Globalization;

namespace BidLocks.TestHost;

/// <summary>
/// One bid of a <see cref="BundleBidder"/>: the postings it held (a bundle's, or one), each posting's fence, when the call
/// began waiting, when the body started and when it ended. Times are <see cref="System.Diagnostics.Stopwatch"/>
/// timestamps: on Linux the system-wide monotonic clock, so the holds of all the test's processes share one time line.
/// Both sides use this class: the bidders write one line per hold, the test reads them.
/// </summary>
public sealed record BundleHold(int[] Postings, long[] Fences, long WaitStart, long BodyStart, long BodyEnd)
{
    public string ToLine() => string.Create(
        CultureInfo.InvariantCulture,
        $"{string.Join(',', Postings)} {string.Join(',', Fences)} {WaitStart} {BodyStart} {BodyEnd}");

    public static BundleHold Parse(string line)
    {
        var parts = line.Split(' ');
        return new BundleHold(
            [.. parts[0].Split(',').Select(text => int.Parse(text, CultureInfo.InvariantCulture))],
            [.. parts[1].Split(',').Select(text => long.Parse(text, CultureInfo.InvariantCulture))],
            long.Parse(parts[2], CultureInfo.InvariantCulture),
            long.Parse(parts[3], CultureInfo.InvariantCulture),
            long.Parse(parts[4], CultureInfo.InvariantCulture));
    }
}
