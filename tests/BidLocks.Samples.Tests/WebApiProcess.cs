using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;

namespace BidLocks.Samples.Tests;

/// <summary>
/// The web sample (samples/BidLocks.Samples.WebApi) as a real process: Kestrel on a free 127.0.0.1 port, started from
/// the folder it was built in (its appsettings.json), with none of the machine's lock settings. Ready when it logs
/// "Now listening on", not after a sleep; disposal kills it by its own pid.
/// </summary>
public sealed class WebApiProcess : IAsyncDisposable
{
    private static readonly string[] LockSettings =
    [
        "USE_REDIS_LOCKS", "REDIS_URL", "REDIS_HOST", "REDIS_PORT", "REDIS_DB", "REDIS_PASSWORD",
        "DOTNET_ENVIRONMENT", "ASPNETCORE_ENVIRONMENT", "BIDLOCKS_SQLITE_PATH", "ASPNETCORE_URLS",
    ];

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WebApiProcess(Process process, int port)
    {
        _process = process;
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
    }

    /// <summary>A client of this instance.</summary>
    public HttpClient Client { get; }

    /// <summary>What it logged (JSON lines), for failure messages.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public static async Task<WebApiProcess> StartAsync(IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var assembly = typeof(WebApiProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .First(attribute => attribute.Key == "BidLocks.Samples.WebApi").Value!;
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(assembly);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        foreach (var variable in LockSettings)
        {
            start.Environment.Remove(variable);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start };
        var web = new WebApiProcess(process, port);
        process.OutputDataReceived += (_, line) => web.Heard(line.Data);
        process.ErrorDataReceived += (_, line) => web.Heard(line.Data);
        process.Exited += (_, _) => web._listening.TrySetException(new InvalidOperationException($"The web sample exited with {process.ExitCode}:\n{web.Log}"));
        process.EnableRaisingEvents = true;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await web._listening.Task.WaitAsync(StartTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            await web.DisposeAsync();
            throw new InvalidOperationException($"The web sample did not start listening within {StartTimeout}:\n{web.Log}");
        }

        return web;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Heard(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }

        if (line.Contains("Now listening on", StringComparison.Ordinal))
        {
            _listening.TrySetResult();
        }
    }

    // A port can be taken between this check and Kestrel's bind; the test then fails with Kestrel's own message.
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
