using System.Globalization;

namespace BidLocks.Samples.Auction.Usage;

/// <summary>
/// When each locked body ran, per posting it held: what posting utilization and the hand-off gap are computed from
/// (<see cref="PostingUse"/>). One per bidder process, written to the run folder when the process is done, so the
/// coordinator can line up the bodies of every process on each posting.
/// </summary>
/// <remarks>
/// Times are the wall clock in microseconds since the Unix epoch: the only clock every process of the host shares.
/// A body is measured inside the lock (from the first statement of the body to its last), so the gap between one
/// body's end and the next one's start on a posting is everything the lock costs there: release, hand-over, wake-up,
/// acquire.
/// </remarks>
public sealed class BodyLog
{
    private const string FilePrefix = "bodies-";
    private readonly List<BodyTime> _bodies = [];

    /// <summary>The wall clock now, in microseconds since the Unix epoch.</summary>
    public static long NowMicros() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / (TimeSpan.TicksPerMillisecond / 1000);

    /// <summary>Records one body that held <paramref name="postingIds"/> from <paramref name="startMicros"/> to <paramref name="endMicros"/>.</summary>
    public void Add(IEnumerable<string> postingIds, long startMicros, long endMicros)
    {
        lock (_bodies)
        {
            foreach (var postingId in postingIds)
            {
                _bodies.Add(new BodyTime(postingId, startMicros, endMicros));
            }
        }
    }

    /// <summary>Writes this process's bodies to <c>bodies-&lt;instance&gt;.csv</c> in the run folder.</summary>
    public void WriteTo(string runDirectory, int instance)
    {
        lock (_bodies)
        {
            File.WriteAllLines(
                Path.Combine(runDirectory, FilePrefix + instance.ToString(CultureInfo.InvariantCulture) + ".csv"),
                _bodies.Select(body => string.Create(CultureInfo.InvariantCulture, $"{body.PostingId},{body.StartMicros},{body.EndMicros}")));
        }
    }

    /// <summary>Every body every bidder process of the run wrote.</summary>
    public static IReadOnlyList<BodyTime> ReadAll(string runDirectory)
        => Directory.EnumerateFiles(runDirectory, FilePrefix + "*.csv")
            .SelectMany(File.ReadLines)
            .Select(line => line.Split(','))
            .Select(parts => new BodyTime(parts[0], long.Parse(parts[1], CultureInfo.InvariantCulture), long.Parse(parts[2], CultureInfo.InvariantCulture)))
            .ToList();
}

/// <summary>One body's time on one posting (wall clock, µs since the Unix epoch).</summary>
public readonly record struct BodyTime(string PostingId, long StartMicros, long EndMicros);
