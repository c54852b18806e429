using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using BidLocks.Tests.Support;

namespace BidLocks.Tests.Redis;

/// <summary>
/// A real <c>redis-server</c> for tests: loopback only, no persistence (a restart loses every key, as a crashed cache
/// would), stopped by its own pid. Readiness is the server's own "Ready to accept connections" line, not a sleep
/// (for a Sentinel, its "+monitor master" line). Extra arguments (TLS, cluster mode, replication) come after the
/// defaults and so override them. Everything the server prints is kept, and a test can wait for a line of it.
/// </summary>
public sealed class RedisServerProcess : IAsyncDisposable
{
    private const int SigStop = 19;
    private const int SigCont = 18;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly StringBuilder _output = new();
    private readonly Func<int, IEnumerable<string>>? _extraArguments;
    private readonly string? _workingDirectory;
    private readonly string? _sentinelConfig;
    private TaskCompletionSource _printed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Process? _process;

    private RedisServerProcess(int port, string? password, Func<int, IEnumerable<string>>? extraArguments, string? workingDirectory, string? sentinelConfig = null)
    {
        Port = port;
        Password = password;
        _extraArguments = extraArguments;
        _workingDirectory = workingDirectory;
        _sentinelConfig = sentinelConfig;
    }

    public int Port { get; private set; }

    /// <summary>The server's process id, for signals.</summary>
    public int ProcessId => _process?.Id ?? throw new InvalidOperationException("The server is not running.");

    public string? Password { get; }

    /// <summary>A <c>redis://</c> URL for this server, with its password if it has one.</summary>
    public string Url => Password is null
        ? $"redis://127.0.0.1:{Port}"
        : $"redis://:{Uri.EscapeDataString(Password)}@127.0.0.1:{Port}";

    /// <param name="password">The default user's password (<c>requirepass</c>), if any.</param>
    /// <param name="extraArguments">More arguments, given the port: <c>--tls-port</c>, <c>--cluster-enabled</c>, …</param>
    /// <param name="workingDirectory">Where the server runs (cluster mode writes its nodes file there).</param>
    public static Task<RedisServerProcess> StartAsync(string? password = null, Func<int, IEnumerable<string>>? extraArguments = null, string? workingDirectory = null)
        => StartAsync(port => new RedisServerProcess(port, password, extraArguments, workingDirectory));

    /// <summary>
    /// <c>redis-server CONFIG --sentinel</c>: a Sentinel that reads and rewrites <paramref name="configFile"/> (it
    /// must be writable), with the <c>sentinel monitor</c> lines in it. Its password, if any, is in the file.
    /// </summary>
    public static Task<RedisServerProcess> StartSentinelAsync(string configFile)
        => StartAsync(port => new RedisServerProcess(port, password: null, extraArguments: null, Path.GetDirectoryName(configFile), configFile));

    private static Task<RedisServerProcess> StartAsync(Func<int, RedisServerProcess> create)
        => LoopbackPort.StartServerAsync(create, server => server.RestartAsync());

    /// <summary>Starts the server (again) on the same port; it comes back empty.</summary>
    public async Task RestartAsync()
    {
        if (_process is { HasExited: false })
        {
            throw new InvalidOperationException("The server is still running.");
        }

        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _workingDirectory ?? string.Empty,
        };
        if (_sentinelConfig is not null)
        {
            // The configuration file must come first.
            start.ArgumentList.Add(_sentinelConfig);
            start.ArgumentList.Add("--sentinel");
        }

        foreach (var argument in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "yes" })
        {
            start.ArgumentList.Add(argument);
        }

        if (Password is not null)
        {
            start.ArgumentList.Add("--requirepass");
            start.ArgumentList.Add(Password);
        }

        foreach (var argument in _extraArguments?.Invoke(Port) ?? [])
        {
            start.ArgumentList.Add(argument);
        }

        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, line) => OnLine(line.Data, ready);
        process.ErrorDataReceived += (_, line) => OnLine(line.Data, ready);
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException($"redis-server exited before it was ready:\n{Output}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        try
        {
            await ready.Task.WaitAsync(StartTimeout);
        }
        catch (TimeoutException)
        {
            await KillAsync();
            throw new InvalidOperationException($"redis-server was not ready within {StartTimeout}:\n{Output}");
        }
    }

    /// <summary>
    /// Waits until the server has printed <paramref name="fragment"/> in <paramref name="occurrences"/> lines since it
    /// started (this run and earlier ones), and returns the last such line. Each printed line wakes the wait.
    /// </summary>
    public Task<string> WaitForOutputAsync(string fragment, int occurrences = 1, TimeSpan? timeout = null)
        => WaitForOutputAsync(line => line.Contains(fragment, StringComparison.Ordinal), $"'{fragment}'", occurrences, timeout);

    /// <summary>As <see cref="WaitForOutputAsync(string, int, TimeSpan?)"/>, for lines that match <paramref name="matches"/>.</summary>
    public async Task<string> WaitForOutputAsync(Func<string, bool> matches, string description, int occurrences = 1, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? StartTimeout;
        while (true)
        {
            Task printed;
            string[] found;
            lock (_output)
            {
                printed = _printed.Task;
                found = _output.ToString().Split('\n').Where(matches).ToArray();
            }

            if (found.Length >= occurrences)
            {
                return found[occurrences - 1];
            }

            var left = limit - deadline.Elapsed;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"redis-server on port {Port} did not print {description} {occurrences} time(s) within {limit}:\n{Output}");
            }

            try
            {
                // Bounded by the limit itself: this file is shared with the benchmark, which has no test context.
                await printed.WaitAsync(left);
            }
            catch (TimeoutException)
            {
                // Checked once more above, then reported.
            }
        }
    }

    /// <summary>SIGKILL by pid, as a crash would: no shutdown, nothing saved.</summary>
    public async Task KillAsync()
    {
        if (_process is { } process && !process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    /// <summary>SIGSTOP: the server freezes as a whole (as in a VM pause), its clock keeps running; connections stay open.</summary>
    public void Pause() => Signal(SigStop);

    /// <summary>SIGCONT: the server carries on where it stopped and expires whatever timed out meanwhile.</summary>
    public void Resume() => Signal(SigCont);

    public async ValueTask DisposeAsync()
    {
        // A paused server still dies by SIGKILL; the resume is for a server that should close its sockets.
        if (_process is { HasExited: false })
        {
            Resume();
        }

        await KillAsync();
        _process?.Dispose();
    }

    /// <summary>Every line the server has printed so far.</summary>
    public IReadOnlyList<string> OutputLines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    private void OnLine(string? line, TaskCompletionSource ready)
    {
        if (line is null)
        {
            return;
        }

        TaskCompletionSource printed;
        lock (_output)
        {
            _output.AppendLine(line);
            printed = _printed;
            _printed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        printed.TrySetResult();
        if (line.Contains(_sentinelConfig is null ? "Ready to accept connections" : "+monitor master", StringComparison.Ordinal))
        {
            ready.TrySetResult();
        }
    }

    /// <summary>The redis-server binary (redis-cli lives beside it).</summary>
    public static string Executable { get; } = FindExecutable();

    private static string FindExecutable()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var folder in path.Split(Path.PathSeparator).Append("/usr/bin").Append("/usr/local/bin"))
        {
            var candidate = Path.Combine(folder, "redis-server");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("redis-server is not installed (the Redis tests need it; CI installs it).");
    }

    private void Signal(int signal)
    {
        if (SendSignal(ProcessId, signal) != 0)
        {
            throw new InvalidOperationException($"kill({ProcessId}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

}
