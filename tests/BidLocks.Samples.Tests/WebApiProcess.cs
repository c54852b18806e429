using System.Reflection;
using BidLocks.Testing;
using BidLocks.Tests.Support;

namespace BidLocks.Samples.Tests;

/// <summary>
/// The web sample (samples/BidLocks.Samples.WebApi) as a real process: Kestrel on a free 127.0.0.1 port, started from
/// the folder it was built in (its appsettings.json), with none of the machine's lock settings. Ready when it logs
/// "Now listening on", not after a sleep; disposal kills it.
/// </summary>
public sealed class WebApiProcess : IAsyncDisposable
{
    private static readonly string[] LockSettings =
    [
        "USE_REDIS_LOCKS", "REDIS_URL", "REDIS_HOST", "REDIS_PORT", "REDIS_DB", "REDIS_PASSWORD",
        "DOTNET_ENVIRONMENT", "ASPNETCORE_ENVIRONMENT", "BIDLOCKS_SQLITE_PATH", "ASPNETCORE_URLS",
    ];

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly ChildProcess _process;

    private WebApiProcess(ChildProcess process, int port)
    {
        _process = process;
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
    }

    /// <summary>A client of this instance.</summary>
    public HttpClient Client { get; }

    /// <summary>What it logged (JSON lines), for failure messages.</summary>
    public string Log => _process.Output;

    public static async Task<WebApiProcess> StartAsync(IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var assembly = typeof(WebApiProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .First(attribute => attribute.Key == "BidLocks.Samples.WebApi").Value!;
        // A port can be taken between this check and Kestrel's bind; the test then fails with Kestrel's own message.
        var port = LoopbackPort.Free();
        var variables = LockSettings.ToDictionary(name => name, string? (_) => null);
        foreach (var (name, value) in environment)
        {
            variables[name] = value;
        }

        var process = await ChildProcess.StartServerAsync("dotnet", [assembly, "--urls", $"http://127.0.0.1:{port}"], "Now listening on", StartTimeout, variables, Path.GetDirectoryName(assembly), cancellationToken);
        return new WebApiProcess(process, port);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _process.DisposeAsync();
    }
}
