using System.Text.Json;
using System.Text.Json.Serialization;

namespace BidLocks.Cli.Output;

/// <summary>One held lock as the tool prints it in JSON: the inspection's fields, with ages in seconds for scripts.</summary>
internal sealed record HeldLockView(
    string MarketplaceId,
    string PostingId,
    string Key,
    string? HolderId,
    string? InstanceId,
    DateTimeOffset? HeldSince,
    double? HeldForSeconds,
    DateTimeOffset ExpiresAt,
    double TimeToLiveSeconds,
    long FencingToken,
    int Waiters)
{
    public static HeldLockView From(BidLockInfo info) => new(
        info.MarketplaceId,
        info.PostingId,
        info.Key,
        info.HolderId,
        info.InstanceId,
        info.HeldSince,
        info.HeldFor is { } held ? Math.Round(held.TotalSeconds, 3) : null,
        info.ExpiresAt,
        Math.Round(info.TimeToLive.TotalSeconds, 3),
        info.FencingToken,
        info.Waiters);
}

/// <summary>The JSON shapes, written by System.Text.Json's source generator (no reflection at run time).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = false)]
[JsonSerializable(typeof(HeldLockView))]
[JsonSerializable(typeof(List<HeldLockView>))]
[JsonSerializable(typeof(StatusView))]
[JsonSerializable(typeof(ReleaseView))]
[JsonSerializable(typeof(WatchFrame))]
internal sealed partial class ToolJson : JsonSerializerContext;

/// <summary><c>status</c> in JSON.</summary>
internal sealed record StatusView(string Backend, string Reason, string? Warning, string Health, string Description, string? ServerVersion, double? LatencyMs);

/// <summary><c>release</c> in JSON.</summary>
internal sealed record ReleaseView(string MarketplaceId, string PostingId, string? HolderId, long PreviousFencingToken, long FencingToken, string RequestedBy);

/// <summary>One refresh of <c>watch --json</c>: a line of its own.</summary>
internal sealed record WatchFrame(DateTimeOffset At, List<HeldLockView> Held);
