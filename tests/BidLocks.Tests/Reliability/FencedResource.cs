namespace BidLocks.Tests.Reliability;

/// <summary>
/// A resource that does what BidLocks asks of the things it protects: it remembers the highest fencing token it has
/// accepted and refuses a write with a lower one. A holder whose lease ran out while it was paused can still try to
/// write; this is what stops it.
/// </summary>
public sealed class FencedResource
{
    private readonly object _gate = new();
    private readonly List<(long Fence, string Value)> _accepted = [];
    private long _highest;

    public string? Value
    {
        get
        {
            lock (_gate)
            {
                return _accepted.Count == 0 ? null : _accepted[^1].Value;
            }
        }
    }

    /// <summary>The writes accepted, in order.</summary>
    public IReadOnlyList<(long Fence, string Value)> Accepted
    {
        get
        {
            lock (_gate)
            {
                return [.. _accepted];
            }
        }
    }

    /// <summary>Writes <paramref name="value"/> unless a write with a higher token came first.</summary>
    public bool TryWrite(long fence, string value)
    {
        lock (_gate)
        {
            if (fence < _highest)
            {
                return false;
            }

            _highest = fence;
            _accepted.Add((fence, value));
            return true;
        }
    }
}
