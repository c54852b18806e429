using System.Globalization;
using System.Reflection;
using BidLocks.Testing;
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
    private readonly bool _lua;
    private readonly bool _luaTransactions;
    private ChildProcess? _process;

    private GarnetServerProcess(int port, bool lua, bool luaTransactions)
    {
        Port = port;
        _lua = lua;
        _luaTransactions = luaTransactions;
    }

    public int Port { get; }

    public string Url => $"redis://127.0.0.1:{Port}";

    /// <param name="lua"><c>--lua</c>: off only to show what the lock does on a Garnet that refuses scripts.</param>
    /// <param name="luaTransactions">
    /// <c>--lua-transaction-mode</c>: Garnet locks a script's KEYS for the whole script. Off only to show what the
    /// lock would suffer on a Garnet configured without it.
    /// </param>
    public static Task<GarnetServerProcess> StartAsync(bool lua = true, bool luaTransactions = true)
        => LoopbackPort.StartServerAsync(port => new GarnetServerProcess(port, lua, luaTransactions), server => server.StartProcessAsync());

    // Standard input stays open while the test runs: the host stops when it closes (see its Program.cs).
    private async Task StartProcessAsync() => _process = await ChildProcess.StartServerAsync(Executable, Arguments(), ReadyLine, StartTimeout);

    /// <summary>SIGKILL, as a crash would: nothing saved.</summary>
    public ValueTask DisposeAsync() => _process?.DisposeAsync() ?? ValueTask.CompletedTask;

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
