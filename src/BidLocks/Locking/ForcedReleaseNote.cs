using System.Globalization;

namespace BidLocks;

/// <summary>
/// Who broke a lock and when, left by a forced release beside the lock for its broken holder to read when its next
/// renewal finds the lock gone. Stored as <c>&lt;unix ms&gt;\n&lt;requested by&gt;</c>; each backend keeps it with the
/// broken holder's id and lets it lapse soon after the lease would have expired.
/// </summary>
internal sealed record ForcedReleaseNote(string RequestedBy, DateTimeOffset At)
{
    /// <summary>How long a note outlives the broken lease: the holder's renewal may answer late, and its look-up after it.</summary>
    public static readonly TimeSpan Margin = TimeSpan.FromMinutes(1);

    public string Format() => string.Create(CultureInfo.InvariantCulture, $"{At.ToUnixTimeMilliseconds()}\n{RequestedBy}");

    public static ForcedReleaseNote? Parse(string? text)
    {
        var newline = text?.IndexOf('\n', StringComparison.Ordinal) ?? -1;
        if (newline < 0 || !long.TryParse(text.AsSpan(0, newline), NumberStyles.Integer, CultureInfo.InvariantCulture, out var unixMilliseconds))
        {
            return null;
        }

        return new ForcedReleaseNote(text![(newline + 1)..], DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds));
    }
}
