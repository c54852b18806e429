using System.Globalization;

namespace BidLocks.Samples.Auction.Reporting;

/// <summary>Number formats of the progress lines and the summary: invariant, so output reads the same everywhere.</summary>
internal static class Numbers
{
    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A fencing token: an identifier to compare, not a quantity, so without thousands separators.</summary>
    public static string Token(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Millis(double value) => value.ToString(value < 10 ? "0.00" : "0.0", CultureInfo.InvariantCulture);

    public static string Seconds(double value) => value.ToString("0.0", CultureInfo.InvariantCulture);
}
