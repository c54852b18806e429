using System.Reflection;
using BidLocks.Testing;

namespace BidLocks.Benchmarks;

/// <summary>
/// One tests/BidLocks.TestHost process, run from its own build output (its folder is stamped into this assembly at
/// build time; see the project file), spoken to a line at a time as the SQLite process tests do. Disposal kills it if
/// it is still running.
/// </summary>
internal sealed class TestHostChild : IAsyncDisposable
{
    private static readonly TimeSpan LineTimeout = TimeSpan.FromSeconds(120);
    private readonly ChildProcess _child;

    private TestHostChild(ChildProcess child)
    {
        _child = child;
    }

    public static TestHostChild Start(params string[] arguments)
        => new(ChildProcess.Start(Path.Combine(Directory, OperatingSystem.IsWindows() ? "BidLocks.TestHost.exe" : "BidLocks.TestHost"), arguments));

    /// <summary>Waits for the child to say <paramref name="expected"/>; fails with its error output otherwise.</summary>
    public async Task ExpectLineAsync(string expected)
    {
        var line = await _child.ReadLineAsync(LineTimeout);
        if (line != expected)
        {
            throw new InvalidOperationException($"Test host {_child.Id} said '{line ?? "nothing"}', not '{expected}'. Its errors:\n{_child.StandardError}");
        }
    }

    private static string Directory => typeof(TestHostChild).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(attribute => attribute.Key == "TestHostDirectory").Value!;

    public Task WriteLineAsync(string line) => _child.WriteLineAsync(line);

    public Task<int> WaitForExitAsync() => _child.WaitForExitAsync(LineTimeout);

    public ValueTask DisposeAsync() => _child.DisposeAsync();
}
