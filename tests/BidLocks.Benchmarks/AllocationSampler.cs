using System.Diagnostics.Tracing;

namespace BidLocks.Benchmarks;

/// <summary>
/// The runtime's allocation samples (GCAllocationTick: one event per ~100 KB allocated, naming the type that crossed
/// the mark), counted by type: over enough cycles each type's share of the samples is its share of the bytes.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly Dictionary<string, long> _samples = [];

    public IReadOnlyList<(string Type, double Share)> Shares()
    {
        lock (_samples)
        {
            var total = (double)_samples.Values.Sum();
            return [.. _samples.OrderByDescending(pair => pair.Value).Select(pair => (pair.Key, pair.Value / total))];
        }
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) != true || eventData.PayloadNames is null)
        {
            return;
        }

        var type = eventData.Payload?[eventData.PayloadNames.IndexOf("TypeName")] as string ?? "?";
        lock (_samples)
        {
            _samples[type] = _samples.GetValueOrDefault(type) + 1;
        }
    }
}
