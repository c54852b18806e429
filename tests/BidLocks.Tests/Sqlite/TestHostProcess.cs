using BidLocks.Testing;

namespace BidLocks.Tests.Sqlite;

/// <summary>
/// A real child process running tests/BidLocks.TestHost (copied next to the tests). The test talks to it one line at a
/// time and waits for the line it needs, never for a fixed time; disposal kills it by its own pid.
/// </summary>
public sealed class TestHostProcess : IAsyncDisposable
{
    private static readonly TimeSpan LineTimeout = TimeSpan.FromSeconds(60);
    private readonly ChildProcess _child;

    private TestHostProcess(ChildProcess child)
    {
        _child = child;
    }

    public int Id => _child.Id;

    private static string Executable => Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "BidLocks.TestHost.exe" : "BidLocks.TestHost");

    public static TestHostProcess Start(params string[] arguments) => Start(new Dictionary<string, string?>(), arguments);

    /// <summary>With these environment variables set (a null value removes the variable).</summary>
    public static TestHostProcess Start(IReadOnlyDictionary<string, string?> environment, params string[] arguments)
        => Start(Executable, [.. arguments], environment);

    /// <summary>
    /// As the unprivileged user <c>nobody</c> (through <c>setpriv</c>): file modes bind it, whereas root, which runs
    /// the tests here, ignores them.
    /// </summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public static TestHostProcess StartAsNobody(IReadOnlyDictionary<string, string?> environment, params string[] arguments)
        => Start("/usr/bin/setpriv", ["--reuid=nobody", "--regid=nogroup", "--clear-groups", ExecutableForEveryone.Value, .. arguments], environment, Path.GetDirectoryName(ExecutableForEveryone.Value));

    // The tests' own folder may lie where nobody may enter (a clone inside a root-only temp folder, as a CI run makes):
    // the unprivileged child runs a copy of it in a folder every user may read, made once per test run.
    private static readonly Lazy<string> ExecutableForEveryone = new(() =>
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("setpriv and nobody are Unix things.");
        }

        var folder = Path.Combine(Path.GetTempPath(), "bidlocks-testhost-" + Environment.ProcessId);
        CopyReadableByEveryone(AppContext.BaseDirectory, folder);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(folder, recursive: true);
        return Path.Combine(folder, Path.GetFileName(Executable));
    });

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void CopyReadableByEveryone(string from, string to)
    {
        const UnixFileMode Everyone = (UnixFileMode)0b111_101_101;
        Directory.CreateDirectory(to);
        File.SetUnixFileMode(to, Everyone);
        foreach (var file in Directory.GetFiles(from))
        {
            var copy = Path.Combine(to, Path.GetFileName(file));
            File.Copy(file, copy, overwrite: true);
            File.SetUnixFileMode(copy, Everyone);
        }

        foreach (var folder in Directory.GetDirectories(from))
        {
            CopyReadableByEveryone(folder, Path.Combine(to, Path.GetFileName(folder)));
        }
    }

    private static TestHostProcess Start(string executable, string[] arguments, IReadOnlyDictionary<string, string?> environment, string? workingDirectory = null)
        // The working folder is the host's content root: one the child may enter (this process's own may not be).
        => new(ChildProcess.Start(executable, arguments, environment, workingDirectory));

    /// <summary>The next line the child writes; fails with its error output if it exits or says nothing in time.</summary>
    public async Task<string> ReadLineAsync()
        => await _child.ReadLineAsync(LineTimeout, TestContext.Current.CancellationToken)
            ?? throw new InvalidOperationException($"The test host {Id} exited. Its errors:\n{Errors}");

    public async Task ExpectLineAsync(string expected)
    {
        var line = await ReadLineAsync();
        Assert.True(line == expected, $"The test host {Id} said '{line}', not '{expected}'. Its errors:\n{Errors}");
    }

    public Task WriteLineAsync(string line) => _child.WriteLineAsync(line, TestContext.Current.CancellationToken);

    /// <summary>SIGKILL by pid, as a crash would: no finally block, no release, no clean close of the database.</summary>
    public Task KillAsync() => _child.KillAsync(entireProcessTree: false);

    /// <summary>Everything the child writes to stdout from here until it exits.</summary>
    public Task<string> ReadToEndAsync() => _child.ReadToEndAsync(LineTimeout, TestContext.Current.CancellationToken);

    public Task<int> WaitForExitAsync() => _child.WaitForExitAsync(LineTimeout, TestContext.Current.CancellationToken);

    public string Errors => _child.StandardError;

    public ValueTask DisposeAsync() => _child.DisposeAsync();
}
