using System.Globalization;

namespace BidLocks.Samples.Auction.Usage;

/// <summary>
/// When each locked body ran, and when each bid wanted its postings: what posting utilization, demand and the hand-off
/// gap are computed from (<see cref="PostingUse"/>). One per bidder process, written to the run folder when the
/// process is done, so the coordinator can line up the bodies and wants of every process on each posting.
/// </summary>
/// <remarks>
/// Times are the wall clock in microseconds since the Unix epoch: the only clock every process of the host shares.
/// A body is measured inside the lock (from the first statement of the body to its last). A want is the whole call,
/// from the worker calling the bid to the call returning (wait, body and release): while any bidder wants a posting
/// and no body runs on it, the lock is what keeps it unused; while nobody wants it, the workload is.
/// </remarks>
public sealed class BodyLog
{
    private const string FilePrefix = "bodies-";
    private const string BodyKind = "body";
    private const string WantKind = "want";
    private readonly List<(string Kind, PostingTime Time)> _records = [];

    /// <summary>The wall clock now, in microseconds since the Unix epoch.</summary>
    public static long NowMicros() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / (TimeSpan.TicksPerMillisecond / 1000);

    /// <summary>Records one body that held <paramref name="postingIds"/> from <paramref name="startMicros"/> to <paramref name="endMicros"/>.</summary>
    public void Add(IEnumerable<string> postingIds, long startMicros, long endMicros) => Record(BodyKind, postingIds, startMicros, endMicros);

    /// <summary>Records one bid that wanted <paramref name="postingIds"/> from its call (<paramref name="calledMicros"/>) to its return.</summary>
    public void AddWant(IEnumerable<string> postingIds, long calledMicros, long returnedMicros) => Record(WantKind, postingIds, calledMicros, returnedMicros);

    /// <summary>Writes this process's bodies and wants to <c>bodies-&lt;instance&gt;.csv</c> in the run folder.</summary>
    public void WriteTo(string runDirectory, int instance)
    {
        lock (_records)
        {
            File.WriteAllLines(
                Path.Combine(runDirectory, FilePrefix + instance.ToString(CultureInfo.InvariantCulture) + ".csv"),
                _records.Select(record => string.Create(CultureInfo.InvariantCulture, $"{record.Kind},{record.Time.PostingId},{record.Time.StartMicros},{record.Time.EndMicros}")));
        }
    }

    /// <summary>Every body and want every bidder process of the run wrote.</summary>
    public static PostingTimes ReadAll(string runDirectory)
    {
        var bodies = new List<PostingTime>();
        var wants = new List<PostingTime>();
        foreach (var line in Directory.EnumerateFiles(runDirectory, FilePrefix + "*.csv").SelectMany(File.ReadLines))
        {
            var parts = line.Split(',');
            var time = new PostingTime(parts[1], long.Parse(parts[2], CultureInfo.InvariantCulture), long.Parse(parts[3], CultureInfo.InvariantCulture));
            (parts[0] == BodyKind ? bodies : wants).Add(time);
        }

        return new PostingTimes(bodies, wants);
    }

    private void Record(string kind, IEnumerable<string> postingIds, long startMicros, long endMicros)
    {
        lock (_records)
        {
            foreach (var postingId in postingIds)
            {
                _records.Add((kind, new PostingTime(postingId, startMicros, endMicros)));
            }
        }
    }
}

/// <summary>One stretch of time on one posting (wall clock, µs since the Unix epoch): a body's, or a bid's want.</summary>
public readonly record struct PostingTime(string PostingId, long StartMicros, long EndMicros);

/// <summary>Every body of a run, and every bid's want, each per posting.</summary>
public sealed record PostingTimes(IReadOnlyList<PostingTime> Bodies, IReadOnlyList<PostingTime> Wants);
