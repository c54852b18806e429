using System.Globalization;

namespace BidLocks.Cli.Output;

/// <summary>Durations as an operator reads them at a glance: <c>850ms</c>, <c>12.3s</c>, <c>4m05s</c>, <c>2h03m</c>.</summary>
internal static class Durations
{
    public static string Short(TimeSpan? value)
    {
        if (value is not { } time)
        {
            return "?";
        }

        return time.TotalSeconds switch
        {
            < 1 => string.Create(CultureInfo.InvariantCulture, $"{time.TotalMilliseconds:F0}ms"),
            < 60 => string.Create(CultureInfo.InvariantCulture, $"{time.TotalSeconds:F1}s"),
            < 3600 => string.Create(CultureInfo.InvariantCulture, $"{(int)time.TotalMinutes}m{time.Seconds:D2}s"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{(int)time.TotalHours}h{time.Minutes:D2}m"),
        };
    }
}
