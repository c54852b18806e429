using System.Diagnostics;
using System.Text;

namespace BidLocks.Samples.Tests;

/// <summary>
/// The demo executable (copied next to the tests) as a real process, in an environment of its own: a private temp
/// folder, and none of the lock settings of the machine running the tests, so that each test sees the "no setup" run.
/// Disposal kills it by its own pid if it still runs, and deletes the temp folder.
/// </summary>
public sealed class DemoProcess : IAsyncDisposable
{
    /// <summary>The environment variables that choose the lock backend: cleared, so the machine's settings cannot leak in.</summary>
    private static readonly string[] LockSettings =
    [
        "USE_REDIS_LOCKS", "REDIS_URL", "REDIS_HOST", "REDIS_PORT", "REDIS_DB", "REDIS_PASSWORD",
        "DOTNET_ENVIRONMENT", "ASPNETCORE_ENVIRONMENT", "BIDLOCKS_SQLITE_PATH",
    ];

    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly List<string> _lines = [];
    private readonly SemaphoreSlim _lineArrived = new(0);
    private readonly TaskCompletionSource _outputEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private DemoProcess(Process process, string tempFolder)
    {
        _process = process;
        TempFolder = tempFolder;
    }

    public int Id => _process.Id;

    /// <summary>The demo's TMPDIR: where its run folders go.</summary>
    public string TempFolder { get; }

    public string Stdout
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public static DemoProcess Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var executable = Path.Combine(AppContext.BaseDirectory, "BidLocks.Samples.Auction");

        // Started through env(1), which resets SIGINT to its default and then execs the demo (same pid): a test run
        // launched as a background job inherits SIGINT as ignored, and .NET then never raises Ctrl+C.
        var start = new ProcessStartInfo("env")
        {
            ArgumentList = { "--default-signal=INT", executable },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in LockSettings)
        {
            start.Environment.Remove(name);
        }

        var temp = Directory.CreateTempSubdirectory("bidlocks-sample-test-").FullName;
        start.Environment["TMPDIR"] = temp;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start };
        var demo = new DemoProcess(process, temp);
        process.OutputDataReceived += (_, e) => demo.OnOutput(e.Data);
        process.ErrorDataReceived += (_, e) =>
        {
            lock (demo._stderr)
            {
                demo._stderr.AppendLine(e.Data);
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return demo;
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
    {
        var seen = 0;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limit);
        while (true)
        {
            lock (_lines)
            {
                for (; seen < _lines.Count; seen++)
                {
                    if (match(_lines[seen]))
                    {
                        return _lines[seen];
                    }
                }
            }

            if (_outputEnded.Task.IsCompleted)
            {
                Assert.Fail($"The demo ended without the expected line.\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
            }

            try
            {
                await _lineArrived.WaitAsync(TimeSpan.FromMilliseconds(200), timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                Assert.Fail($"No expected line within {limit}.\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
            }
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan limit, CancellationToken cancellationToken)
    {
        try
        {
            await _process.WaitForExitAsync(cancellationToken).WaitAsync(limit, cancellationToken);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"The demo was still running after {limit}.\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
        }

        // WaitForExitAsync also waits for the redirected output to be read to its end.
        await _process.WaitForExitAsync(cancellationToken);
        return _process.ExitCode;
    }

    /// <summary>The run folders in the demo's temp folder.</summary>
    public IReadOnlyList<string> RunFolders()
    {
        var parent = Path.Combine(TempFolder, "bidlocks-auction");
        return Directory.Exists(parent) ? Directory.GetDirectories(parent) : [];
    }

    /// <summary>SIGKILL, as a crash or an OOM kill would: the demo runs no code of its own on the way out.</summary>
    public void KillHard() => _process.Kill(entireProcessTree: false);

    /// <summary>SIGINT, as Ctrl+C in a terminal sends it (here to the coordinator alone).</summary>
    public async Task InterruptAsync(CancellationToken cancellationToken)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-INT", Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }, UseShellExecute = false })
            ?? throw new InvalidOperationException("kill did not start");
        await kill.WaitForExitAsync(cancellationToken);
        Assert.Equal(0, kill.ExitCode);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(TempFolder, recursive: true);
        }
        catch (IOException)
        {
            // A bidder of a killed run may still be closing a file; the system cleans its temp folder.
        }
    }

    private void OnOutput(string? line)
    {
        if (line is null)
        {
            _outputEnded.TrySetResult();
            _lineArrived.Release();
            return;
        }

        lock (_stdout)
        {
            _stdout.AppendLine(line);
        }

        lock (_lines)
        {
            _lines.Add(line);
        }

        _lineArrived.Release();
    }
}
