using System.Globalization;

namespace BidLocks.TestHost;

/// <summary>
/// Tells the test when a soak process starts or stops getting locks: <c>state ok T</c> and <c>state failing T</c>,
/// with T the monotonic timestamp (<see cref="System.Diagnostics.Stopwatch"/>, shared by every process of the host)
/// of the acquire or failure that changed it. The test waits for these lines instead of sleeping.
/// </summary>
internal sealed class SoakState
{
    private readonly object _gate = new();
    private long _lastFailure;
    private bool? _ok;

    /// <summary>A bid whose lock was acquired at <paramref name="acquiredAt"/>.</summary>
    public void Succeeded(long acquiredAt)
    {
        lock (_gate)
        {
            // A lock acquired before the latest failure (a bid still finishing when the backend died) says nothing
            // about the backend now.
            if (_ok != true && acquiredAt > _lastFailure)
            {
                _ok = true;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"state ok {acquiredAt}"));
            }
        }
    }

    public void Failed(long failedAt)
    {
        lock (_gate)
        {
            _lastFailure = Math.Max(_lastFailure, failedAt);
            if (_ok != false)
            {
                _ok = false;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"state failing {failedAt}"));
            }
        }
    }
}
