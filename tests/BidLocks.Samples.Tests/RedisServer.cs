using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace BidLocks.Samples.Tests;

/// <summary>
/// A real <c>redis-server</c> of the test's own (test.sh installs it): loopback only, no persistence, a password,
/// and stopped by its own pid. Ready when it says so, not after a sleep.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private RedisServer(Process process, int port, string password)
    {
        _process = process;
        Port = port;
        Password = password;
    }

    public int Port { get; }

    public string Password { get; }

    public string Url => $"redis://:{Uri.EscapeDataString(Password)}@127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync(string password, CancellationToken cancellationToken)
    {
        var executable = FindOnPath("redis-server")
            ?? throw new InvalidOperationException("redis-server is not on PATH: install it (test.sh does: apt-get install redis-server).");
        var port = FreeLoopbackPort();
        var start = new ProcessStartInfo(executable)
        {
            ArgumentList = { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", string.Empty, "--appendonly", "no", "--requirepass", password },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var server = new RedisServer(new Process { StartInfo = start }, port, password);
        server._process.OutputDataReceived += (_, e) => server.OnOutput(e.Data);
        server._process.ErrorDataReceived += (_, e) => server.OnOutput(e.Data);
        server._process.Start();
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        try
        {
            await server._ready.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        }
        catch (TimeoutException)
        {
            await server.DisposeAsync();
            throw new InvalidOperationException($"redis-server did not get ready on port {port}:\n{server.Output}");
        }

        return server;
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void OnOutput(string? line)
    {
        if (line is null)
        {
            _ready.TrySetException(new InvalidOperationException($"redis-server exited:\n{Output}"));
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (line.Contains("Ready to accept connections", StringComparison.Ordinal))
        {
            _ready.TrySetResult();
        }
    }

    private static string? FindOnPath(string name)
        => (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, name))
            .FirstOrDefault(File.Exists);

    private static int FreeLoopbackPort()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)listener.LocalEndPoint!).Port;
    }
}
