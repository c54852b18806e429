using System.Text.Json.Serialization;
using System.Text.Json;

namespace BidLocks.Samples.Auction.Coordination;

/// <summary>
/// What a bidder process tells the coordinator, one JSON object per line on its stdout. Lines rather than a socket or
/// shared memory: the pipe is already there, and when either side dies the other sees end-of-file.
/// </summary>
public sealed record BidderMessage
{
    /// <summary><c>ready</c> (backend open, waiting for <c>start</c>), <c>progress</c>, <c>done</c>, or <c>failed</c>.</summary>
    public required string Type { get; init; }

    public int Instance { get; init; }

    public int ProcessId { get; init; }

    /// <summary>The lock backend, with <c>ready</c>: <c>sqlite</c>, <c>redis</c>, or <c>none</c> with <c>--no-lock</c>.</summary>
    public string? Backend { get; init; }

    /// <summary>Why BidLocks chose that backend, in its own words, with <c>ready</c>.</summary>
    public string? Reason { get; init; }

    public long Bids { get; init; }

    /// <summary>Acquires that found the lock held and had to wait (the manager's <c>LockConflicts</c>).</summary>
    public long Waits { get; init; }

    public long Timeouts { get; init; }

    public long Errors { get; init; }

    /// <summary>With <c>failed</c>, or the first bid error with <c>done</c>.</summary>
    public string? Error { get; init; }

    /// <summary>With <c>done</c>: how long each bid took to get its lock, in microseconds.</summary>
    public long[]? AcquireMicros { get; init; }

    public const string Ready = "ready";
    public const string Progress = "progress";
    public const string Done = "done";
    public const string Failed = "failed";

    public string ToLine() => JsonSerializer.Serialize(this, ProtocolJson.Default.BidderMessage);

    /// <summary>The message on a line, or null when the line is not one (a stray write to stdout).</summary>
    public static BidderMessage? TryParse(string line)
    {
        if (!line.StartsWith('{'))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(line, ProtocolJson.Default.BidderMessage);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>Serialization code written at compile time: no reflection on the hot path of every progress line.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(BidderMessage))]
internal sealed partial class ProtocolJson : JsonSerializerContext;

/// <summary>What the coordinator tells a bidder process, one word per line on its stdin.</summary>
public static class CoordinatorCommands
{
    /// <summary>Every bidder is ready: start bidding now, so that all of them overlap for the whole run.</summary>
    public const string Start = "start";

    /// <summary>Stop early (Ctrl+C): finish, report, exit.</summary>
    public const string Stop = "stop";
}
