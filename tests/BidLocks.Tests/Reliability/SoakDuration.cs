using System.Globalization;

namespace BidLocks.Tests.Reliability;

/// <summary>
/// How long each soak runs: <c>BIDLOCKS_SOAK_SECONDS</c> (1 to 3600), else 15 s, the length the normal test run
/// affords. <c>BIDLOCKS_SOAK_SECONDS=600 ./test.sh --filter-class '*SoakTests'</c> runs the ten-minute soak.
/// </summary>
internal static class SoakDuration
{
    public const string Variable = "BIDLOCKS_SOAK_SECONDS";

    /// <summary>The test timeout: the longest soak allowed plus room to start and check it.</summary>
    public const int TestTimeoutMs = (3600 + 300) * 1000;

    private const int DefaultSeconds = 15;

    public static TimeSpan Value
    {
        get
        {
            var text = Environment.GetEnvironmentVariable(Variable);
            if (string.IsNullOrWhiteSpace(text))
            {
                return TimeSpan.FromSeconds(DefaultSeconds);
            }

            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds is >= 1 and <= 3600
                ? TimeSpan.FromSeconds(seconds)
                : throw new InvalidOperationException($"{Variable} must be a whole number of seconds from 1 to 3600; got '{text}'.");
        }
    }
}
