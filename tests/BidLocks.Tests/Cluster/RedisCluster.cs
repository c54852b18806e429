using System.Diagnostics;
using System.Globalization;
using System.Net;
using BidLocks.Tests.Redis;
using BidLocks.Tests.Support;
using StackExchange.Redis;

namespace BidLocks.Tests.Cluster;

/// <summary>
/// A real Redis Cluster of three masters on 127.0.0.1: three <c>redis-server --cluster-enabled yes</c> processes (each
/// with a cluster bus port of its own) joined by <c>redis-cli --cluster create</c>, which gives each a third of the
/// 16384 slots. Started once per test class that uses it; every process is stopped by its own pid.
/// </summary>
public sealed class RedisCluster : IAsyncLifetime
{
    public const int Masters = 3;
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(60);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "bidlocks-tests", "cluster-" + Guid.NewGuid().ToString("N"));
    private readonly List<RedisServerProcess> _nodes = [];

    public IReadOnlyList<RedisServerProcess> Nodes => _nodes;

    /// <summary>One node's URL: the client learns the others from it, as an application configured with one would.</summary>
    public string Url => _nodes[0].Url;

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        for (var i = 0; i < Masters; i++)
        {
            _nodes.Add(await RedisServerProcess.StartAsync(
                extraArguments: port =>
                [
                    "--cluster-enabled", "yes", "--cluster-config-file", $"nodes-{port}.conf", "--cluster-node-timeout", "5000",
                    "--cluster-port", TestEnvironment.FreeLoopbackPort().ToString(CultureInfo.InvariantCulture),
                ],
                workingDirectory: _folder));
        }

        await CreateAsync();
        await WaitUntilEveryNodeSaysOkAsync();
    }

    /// <summary>A plain cluster-aware client, to look at keys and nodes directly.</summary>
    public async Task<ConnectionMultiplexer> RawAsync()
    {
        var options = new ConfigurationOptions { AbortOnConnectFail = false, AllowAdmin = true };
        foreach (var node in _nodes)
        {
            options.EndPoints.Add(IPAddress.Loopback, node.Port);
        }

        return await ConnectionMultiplexer.ConnectAsync(options);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Left for the system's temp cleanup.
        }
    }

    private async Task CreateAsync()
    {
        var start = new ProcessStartInfo(Path.Combine(Path.GetDirectoryName(RedisServerProcess.Executable)!, "redis-cli"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--cluster");
        start.ArgumentList.Add("create");
        foreach (var node in _nodes)
        {
            start.ArgumentList.Add($"127.0.0.1:{node.Port}");
        }

        start.ArgumentList.Add("--cluster-yes");
        using var cli = Process.Start(start)!;
        var output = cli.StandardOutput.ReadToEndAsync();
        var errors = cli.StandardError.ReadToEndAsync();
        try
        {
            await cli.WaitForExitAsync().WaitAsync(Bounded);
        }
        catch (TimeoutException)
        {
            cli.Kill();
            throw;
        }

        var text = await output + await errors;
        if (cli.ExitCode != 0 || !text.Contains("All 16384 slots covered", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"redis-cli --cluster create failed ({cli.ExitCode}):\n{text}");
        }
    }

    private async Task WaitUntilEveryNodeSaysOkAsync()
    {
        // The nodes agree on the configuration over the cluster bus; nothing announces it, so each is asked, bounded.
        var deadline = Stopwatch.StartNew();
        using var raw = await RawAsync();
        foreach (var node in _nodes)
        {
            var server = raw.GetServer(IPAddress.Loopback.ToString(), node.Port);
            while (!((string?)await server.ExecuteAsync("CLUSTER", "INFO"))!.Contains("cluster_state:ok", StringComparison.Ordinal))
            {
                if (deadline.Elapsed > Bounded)
                {
                    throw new InvalidOperationException($"The cluster node on port {node.Port} did not reach cluster_state:ok within {Bounded}.");
                }

                await Task.Delay(50);
            }
        }
    }
}
