using System.Globalization;

namespace BidLocks.Benchmarks;

/// <summary>Every printed number in the invariant culture, whatever the machine's locale.</summary>
internal static class Invariant
{
    public static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
