using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using BidLocks.Tests.Support;

namespace BidLocks.Tests.Garnet;

/// <summary>
/// A real Microsoft Garnet server for tests (tests/BidLocks.GarnetHost, built with the tests from the Microsoft.Garnet
/// package): loopback only, nothing persisted, Lua on. Ready when the host says so on its output, not after a sleep;
/// stopped by its own pid. Garnet runs Lua scripts without isolation unless <c>--lua-transaction-mode</c> is given,
/// so that is on by default: a lock script must not interleave with another client's commands.
/// </summary>
public sealed class GarnetServerProcess : IAsyncDisposable
{
    private const string ReadyLine = "bidlocks-garnet-host: ready";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly StringBuilder _output = new();
    private readonly bool _lua;
    private readonly bool _luaTransactions;
    private Process? _process;

    private GarnetServerProcess(int port, bool lua, bool luaTransactions)
    {
        Port = port;
        _lua = lua;
        _luaTransactions = luaTransactions;
    }

    public int Port { get; }

    public string Url => $"redis://127.0.0.1:{Port}";

    /// <summary>The server's process id, for signals.</summary>
    public int ProcessId => _process?.Id ?? throw new InvalidOperationException("The server is not running.");

    /// <param name="lua"><c>--lua</c>: off only to show what the lock does on a Garnet that refuses scripts.</param>
    /// <param name="luaTransactions">
    /// <c>--lua-transaction-mode</c>: Garnet locks a script's KEYS for the whole script. Off only to show what the
    /// lock would suffer on a Garnet configured without it.
    /// </param>
    public static Task<GarnetServerProcess> StartAsync(bool lua = true, bool luaTransactions = true)
        => LoopbackPort.StartServerAsync(port => new GarnetServerProcess(port, lua, luaTransactions), server => server.RestartAsync());

    /// <summary>Starts the server (again) on the same port; it comes back empty.</summary>
    public async Task RestartAsync()
    {
        if (_process is { HasExited: false })
        {
            throw new InvalidOperationException("The server is still running.");
        }

        var start = new ProcessStartInfo(Executable)
        {
            // Standard input stays open while the test runs: the host stops when it closes (see its Program.cs).
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in Arguments())
        {
            start.ArgumentList.Add(argument);
        }

        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, line) => OnLine(line.Data, ready);
        process.ErrorDataReceived += (_, line) => OnLine(line.Data, ready);
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException($"Garnet exited before it was ready:\n{Output}"));
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
            throw new InvalidOperationException($"Garnet was not ready within {StartTimeout}:\n{Output}");
        }
    }

    /// <summary>SIGKILL by pid, as a crash would: nothing saved.</summary>
    public async Task KillAsync()
    {
        if (_process is { } process && !process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
    }

    /// <summary>Everything the server wrote so far, for failure messages.</summary>
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

    private IEnumerable<string> Arguments()
    {
        yield return "--port";
        yield return Port.ToString(CultureInfo.InvariantCulture);
        yield return "--bind";
        yield return "127.0.0.1";
        if (_lua)
        {
            yield return "--lua";
        }

        if (_lua && _luaTransactions)
        {
            yield return "--lua-transaction-mode";
        }

        // Small: Garnet's defaults reserve gigabytes for a production cache; a test needs a few thousand keys.
        foreach (var argument in new[] { "--memory", "64m", "--page", "4m", "--index", "8m", "-q" })
        {
            yield return argument;
        }
    }

    private void OnLine(string? line, TaskCompletionSource ready)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (line == ReadyLine)
        {
            ready.TrySetResult();
        }
    }

    /// <summary>The host's own launcher, beside the assembly whose path the build recorded.</summary>
    private static string Executable { get; } = FindExecutable();

    private static string FindExecutable()
    {
        var assembly = typeof(GarnetServerProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(attribute => attribute.Key == "BidLocks.GarnetHost")?.Value
            ?? throw new InvalidOperationException("The test build did not record where BidLocks.GarnetHost was built.");
        var launcher = Path.ChangeExtension(assembly, OperatingSystem.IsWindows() ? ".exe" : null);
        return File.Exists(launcher)
            ? launcher
            : throw new InvalidOperationException($"BidLocks.GarnetHost is not built at {launcher}: build the solution or tests/BidLocks.GarnetHost.");
    }
}
