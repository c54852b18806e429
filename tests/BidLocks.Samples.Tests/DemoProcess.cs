using BidLocks.Testing;

namespace BidLocks.Samples.Tests;

/// <summary>
/// The demo executable (copied next to the tests) as a real process, in an environment of its own: a private temp
/// folder, and none of the lock settings of the machine running the tests, so that each test sees the "no setup" run.
/// Disposal kills it and its bidders if it still runs, and deletes the temp folder.
/// </summary>
public sealed class DemoProcess : IAsyncDisposable
{
    /// <summary>The environment variables that choose the lock backend: cleared, so the machine's settings cannot leak in.</summary>
    private static readonly string[] LockSettings =
    [
        "USE_REDIS_LOCKS", "REDIS_URL", "REDIS_HOST", "REDIS_PORT", "REDIS_DB", "REDIS_PASSWORD",
        "DOTNET_ENVIRONMENT", "ASPNETCORE_ENVIRONMENT", "BIDLOCKS_SQLITE_PATH",
    ];

    private readonly ChildProcess _child;

    private DemoProcess(ChildProcess child, string tempFolder)
    {
        _child = child;
        TempFolder = tempFolder;
    }

    public int Id => _child.Id;

    /// <summary>The demo's TMPDIR: where its run folders go.</summary>
    public string TempFolder { get; }

    public string Stdout => _child.StandardOutput;

    public string Stderr => _child.StandardError;

    public static DemoProcess Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var executable = Path.Combine(AppContext.BaseDirectory, "BidLocks.Samples.Auction");
        var temp = Directory.CreateTempSubdirectory("bidlocks-sample-test-").FullName;
        var variables = LockSettings.ToDictionary(name => name, string? (_) => null);
        variables["TMPDIR"] = temp;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            variables[name] = value;
        }

        // Started through env(1), which resets SIGINT to its default and then execs the demo (same pid): a test run
        // launched as a background job inherits SIGINT as ignored, and .NET then never raises Ctrl+C.
        return new DemoProcess(ChildProcess.Start("env", ["--default-signal=INT", executable, .. arguments], variables), temp);
    }

    /// <summary>Runs the demo to the end; fails the test if it takes longer than three minutes.</summary>
    public static async Task<DemoResult> RunAsync(IEnumerable<string> arguments, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? environment = null)
    {
        await using var demo = Start(arguments, environment);
        var exitCode = await demo.WaitForExitAsync(TimeSpan.FromMinutes(3), cancellationToken);
        return new DemoResult(exitCode, demo.Stdout, demo.Stderr, demo.RunFolders().Count);
    }

    /// <summary>Waits for a line of stdout that matches; returns it. Fails with the output so far if none comes in time.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan limit, CancellationToken cancellationToken)
        => (await _child.WaitForLineAsync(line => !line.IsError && match(line.Text), limit, "the expected line", cancellationToken)).Text;

    public Task<int> WaitForExitAsync(TimeSpan limit, CancellationToken cancellationToken) => _child.WaitForExitAsync(limit, cancellationToken);

    /// <summary>The run folders in the demo's temp folder.</summary>
    public IReadOnlyList<string> RunFolders()
    {
        var parent = Path.Combine(TempFolder, "bidlocks-auction");
        return Directory.Exists(parent) ? Directory.GetDirectories(parent) : [];
    }

    /// <summary>SIGKILL, as a crash or an OOM kill would: the demo runs no code of its own on the way out.</summary>
    public void KillHard() => _child.Kill(entireProcessTree: false);

    /// <summary>SIGINT, as Ctrl+C in a terminal sends it (here to the coordinator alone).</summary>
    public async Task InterruptAsync(CancellationToken cancellationToken)
    {
        var (exitCode, output) = await ChildProcess.RunAsync("kill", ["-INT", Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(30), cancellationToken);
        Assert.True(exitCode == 0, output);
    }

    public async ValueTask DisposeAsync()
    {
        await _child.DisposeAsync();
        try
        {
            Directory.Delete(TempFolder, recursive: true);
        }
        catch (IOException)
        {
            // A bidder of a killed run may still be closing a file; the system cleans its temp folder.
        }
    }
}
