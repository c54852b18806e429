using BidLocks.Testing;
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
    private readonly List<string> _earlierRuns = [];
    private readonly Func<int, IEnumerable<string>>? _extraArguments;
    private readonly string? _workingDirectory;
    private readonly string? _sentinelConfig;
    private ChildProcess? _process;

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
    public int ProcessId => Running.Id;

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

        if (_process is not null)
        {
            _earlierRuns.AddRange(_process.Lines.Select(line => line.Text));
            await _process.DisposeAsync();
        }

        _process = null;
        var ready = _sentinelConfig is null ? "Ready to accept connections" : "+monitor master";
        _process = await ChildProcess.StartServerAsync(Executable, Arguments(), ready, StartTimeout, workingDirectory: _workingDirectory);
    }

    private IEnumerable<string> Arguments()
    {
        if (_sentinelConfig is not null)
        {
            // The configuration file must come first.
            yield return _sentinelConfig;
            yield return "--sentinel";
        }

        foreach (var argument in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "yes" })
        {
            yield return argument;
        }

        if (Password is not null)
        {
            yield return "--requirepass";
            yield return Password;
        }

        foreach (var argument in _extraArguments?.Invoke(Port) ?? [])
        {
            yield return argument;
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
        var earlier = _earlierRuns.Where(matches).ToArray();
        if (earlier.Length >= occurrences)
        {
            return earlier[occurrences - 1];
        }

        var seen = earlier.Length;
        var line = await Running.WaitForLineAsync(line => matches(line.Text) && ++seen == occurrences, timeout ?? StartTimeout, $"{description} {occurrences} time(s) (port {Port})");
        return line.Text;
    }

    /// <summary>SIGKILL by pid, as a crash would: no shutdown, nothing saved.</summary>
    public Task KillAsync() => _process?.KillAsync() ?? Task.CompletedTask;

    /// <summary>SIGSTOP: the server freezes as a whole (as in a VM pause), its clock keeps running; connections stay open.</summary>
    public void Pause() => Running.Signal(SigStop);

    /// <summary>SIGCONT: the server carries on where it stopped and expires whatever timed out meanwhile.</summary>
    public void Resume() => Running.Signal(SigCont);

    public async ValueTask DisposeAsync()
    {
        // A paused server still dies by SIGKILL; the resume is for a server that should close its sockets.
        if (_process is { HasExited: false })
        {
            Resume();
        }

        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
    }

    /// <summary>Every line the server has printed so far, in this run and earlier ones.</summary>
    public IReadOnlyList<string> OutputLines => [.. _earlierRuns, .. _process?.Lines.Select(line => line.Text) ?? []];

    private ChildProcess Running => _process ?? throw new InvalidOperationException("The server is not running.");

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
}
