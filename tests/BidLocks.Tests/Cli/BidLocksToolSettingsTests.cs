using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using BidLocks.Tests.Redis;
using BidLocks.Tests.Sqlite;

namespace BidLocks.Tests.Cli;

/// <summary>
/// How the real <c>bidlocks</c> tool finds the locks: a dead Redis answered within <c>--connect-timeout</c> and named by
/// the flag that gave it, the app's own <c>appsettings.json</c> (key prefix included), and holders told apart by the
/// default instance id (host and process).
/// </summary>
public sealed partial class BidLocksToolSettingsTests(SharedRedisServer redis, ITestOutputHelper output)
{
    private readonly string _marketplace = "mkt-" + Guid.NewGuid().ToString("N");

    [Fact(Timeout = 120_000)]
    public async Task Status_against_a_dead_Redis_gives_up_within_the_connect_timeout_and_names_the_flag()
    {
        var cancel = TestContext.Current.CancellationToken;
        var port = ClosedPort();

        var run = await BidLocksTool.RunAsync(cancel, "status", "--redis", $"redis://:hunter2@127.0.0.1:{port}", "--connect-timeout", "4");
        output.WriteLine(run.ToString());

        Assert.True(run.ExitCode == 4, run.ToString());
        Assert.Contains("(from --redis)", run.Errors);
        Assert.DoesNotContain("BidLockOptions.RedisUrl", run.Errors);
        Assert.Contains("did not answer within 4 s", run.Errors);
        Assert.DoesNotContain("hunter2", run.Output + run.Errors);

        // Measured by the tool around the connect, so the start of the process does not count. The client tries twice:
        // before, each try had the whole timeout (8 s and more here; 10.5 s for the default 5 s).
        var gaveUpAfter = double.Parse(GaveUpAfter().Match(run.Errors).Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(gaveUpAfter < 6.5, $"gave up after {gaveUpAfter} s with --connect-timeout 4");
    }

    [Fact(Timeout = 120_000)]
    public async Task Appsettings_and_section_read_the_apps_Redis_and_key_prefix()
    {
        var cancel = TestContext.Current.CancellationToken;
        var folder = Directory.CreateTempSubdirectory("bidlocks-appsettings-").FullName;
        try
        {
            var settings = Path.Combine(folder, "appsettings.json");
            await File.WriteAllTextAsync(settings, $$"""
                { "Logging": { "LogLevel": { "Default": "Information" } },
                  "Orders": { "RedisUrl": "{{redis.Url}}", "KeyPrefix": "orders:" } }
                """, cancel);
            await using var app = await RedisTestConnections.ConnectAsync(redis.Server, options => options.KeyPrefix = "orders:");
            await using var lease = await app.AcquireAsync(_marketplace, "42", cancellationToken: cancel);

            var fromSettings = await BidLocksTool.RunAsync(cancel, "list", "--appsettings", settings, "--section", "Orders", "--marketplace", _marketplace, "--json");
            var withoutPrefix = await BidLocksTool.RunAsync(cancel, "list", "--redis", redis.Url, "--marketplace", _marketplace, "--json");
            var wrongSection = await BidLocksTool.RunAsync(cancel, "list", "--appsettings", settings, "--section", "Bidding");
            output.WriteLine(fromSettings.ToString());

            Assert.True(fromSettings.ExitCode == 0, fromSettings.ToString());
            var held = Assert.Single(JsonDocument.Parse(fromSettings.Output).RootElement.EnumerateArray());
            Assert.Equal("42", held.GetProperty("postingId").GetString());
            Assert.Equal(lease.FencingToken, held.GetProperty("fencingToken").GetInt64());
            Assert.Equal(0, withoutPrefix.ExitCode);
            Assert.Empty(JsonDocument.Parse(withoutPrefix.Output).RootElement.EnumerateArray());
            Assert.Equal(4, wrongSection.ExitCode);
            Assert.Contains("has no 'Bidding' section", wrongSection.Errors);

            // A dead server named by the file: the message names the key and the file it was read from.
            await File.WriteAllTextAsync(settings, $$"""{ "BidLocks": { "RedisUrl": "redis://127.0.0.1:{{ClosedPort()}}" } }""", cancel);
            var dead = await BidLocksTool.RunAsync(cancel, "status", "--appsettings", settings, "--connect-timeout", "1");
            Assert.True(dead.ExitCode == 4, dead.ToString());
            Assert.Contains($"(from BidLocks:RedisUrl in {settings})", dead.Errors);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task Two_processes_with_the_default_instance_id_are_told_apart_by_host_and_pid()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var first = await HoldAsync("one");
        await using var second = await HoldAsync("two");

        var run = await BidLocksTool.RunAsync(cancel, "list", "--redis", redis.Url, "--marketplace", _marketplace, "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var instances = JsonDocument.Parse(run.Output).RootElement.EnumerateArray().Select(row => row.GetProperty("instanceId").GetString()).ToList();
        Assert.Equal(
            [$"{Environment.MachineName}-{first.Host.Id.ToString(CultureInfo.InvariantCulture)}", $"{Environment.MachineName}-{second.Host.Id.ToString(CultureInfo.InvariantCulture)}"],
            instances);
    }

    [GeneratedRegex(@"gave up after (\d+(?:\.\d+)?) s")]
    private static partial Regex GaveUpAfter();

    private async Task<HeldByProcess> HoldAsync(string posting)
    {
        var host = TestHostProcess.Start("hold", "--redis-url", redis.Url, "--marketplace", _marketplace, "--posting", posting, "--ttl-ms", "30000");
        var line = await host.ReadLineAsync();
        Assert.StartsWith("held ", line);
        return new HeldByProcess(host, long.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture));
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
