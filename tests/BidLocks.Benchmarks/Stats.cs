using System.Globalization;

namespace BidLocks.Benchmarks;

/// <summary>A figure measured once per round: reported as its median and its range.</summary>
internal sealed class Stats
{
    private readonly List<double> _values = [];

    public int Count => _values.Count;

    public IReadOnlyList<double> Values => _values;

    /// <summary>Round by round <c>this / other</c>: both measured in the same round, so drift between rounds cancels.</summary>
    public Stats RatioTo(Stats other)
    {
        var ratios = new Stats();
        for (var round = 0; round < Math.Min(Count, other.Count); round++)
        {
            ratios.Add(_values[round] / other._values[round]);
        }

        return ratios;
    }

    public double Median
    {
        get
        {
            var sorted = _values.Order().ToArray();
            return sorted.Length == 0 ? double.NaN
                : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2]
                : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
        }
    }

    public void Add(double value) => _values.Add(value);

    public string Format(string format) => _values.Count == 0
        ? "n/a"
        : string.Create(CultureInfo.InvariantCulture, $"{Median.ToString(format, CultureInfo.InvariantCulture)} ({_values.Min().ToString(format, CultureInfo.InvariantCulture)}–{_values.Max().ToString(format, CultureInfo.InvariantCulture)})");

    public static double Percentile(List<double> sorted, double fraction)
        => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(fraction * sorted.Count) - 1)];
}
