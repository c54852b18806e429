namespace BidLocks.Tests.Failover;

/// <summary>Writes what the servers said to the test's output when the test ends, passed or failed.</summary>
internal sealed class OutputOnDispose(ITestOutputHelper output, Func<string> describe) : IDisposable
{
    public void Dispose() => output.WriteLine(describe());
}
