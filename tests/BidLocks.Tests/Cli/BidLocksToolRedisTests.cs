using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using BidLocks.Tests.Redis;
using BidLocks.Tests.Sqlite;

namespace BidLocks.Tests.Cli;

/// <summary>
/// The real <c>bidlocks</c> tool against a real redis-server, with the locks held by other real processes (TestHost
/// <c>hold</c>): what an operator sees at 3 a.m., and what a script reads with <c>--json</c>.
/// </summary>
public sealed class BidLocksToolRedisTests(SharedRedisServer redis, ITestOutputHelper output)
{
    private readonly string _marketplace = "mkt-" + Guid.NewGuid().ToString("N");

    [Fact(Timeout = 120_000)]
    public async Task List_and_show_describe_the_locks_other_processes_hold_longest_first()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var first = await HoldAsync("first");
        await using var second = await HoldAsync("second");

        var table = await BidLocksTool.RunAsync(cancel, "list", "--redis", redis.Url, "--marketplace", _marketplace);
        var json = await BidLocksTool.RunAsync(cancel, "list", "--redis", redis.Url, "--marketplace", _marketplace, "--json");
        var shown = await BidLocksTool.RunAsync(cancel, "show", _marketplace, "second", "--redis", redis.Url, "--json");
        var free = await BidLocksTool.RunAsync(cancel, "show", _marketplace, "nobody", "--redis", redis.Url);
        output.WriteLine(table.ToString());

        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("2 held lock(s) on redis", table.Output);
        Assert.True(table.Output.IndexOf("first", StringComparison.Ordinal) < table.Output.IndexOf("second", StringComparison.Ordinal), table.Output);
        Assert.Contains("-" + first.Host.Id.ToString(CultureInfo.InvariantCulture), table.Output);

        Assert.Equal(0, json.ExitCode);
        var held = JsonDocument.Parse(json.Output).RootElement.EnumerateArray().ToList();
        Assert.Equal(["first", "second"], held.Select(row => row.GetProperty("postingId").GetString()));
        Assert.Equal(first.Fence, held[0].GetProperty("fencingToken").GetInt64());
        Assert.EndsWith("-" + second.Host.Id.ToString(CultureInfo.InvariantCulture), held[1].GetProperty("instanceId").GetString());
        Assert.InRange(held[0].GetProperty("timeToLiveSeconds").GetDouble(), 1, 30);
        Assert.True(held[0].GetProperty("heldForSeconds").GetDouble() >= held[1].GetProperty("heldForSeconds").GetDouble());

        Assert.Equal(0, shown.ExitCode);
        var one = JsonDocument.Parse(shown.Output).RootElement;
        Assert.Equal(second.Fence, one.GetProperty("fencingToken").GetInt64());
        Assert.Equal(0, one.GetProperty("waiters").GetInt32());

        Assert.Equal(3, free.ExitCode);
        Assert.Contains("free", free.Output);
    }

    [Fact(Timeout = 120_000)]
    public async Task Release_is_refused_without_force_and_with_it_breaks_the_lock_raises_the_fence_and_logs_who()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var stuck = await HoldAsync("stuck");

        var refused = await BidLocksTool.RunAsync(cancel, "release", _marketplace, "stuck", "--redis", redis.Url);
        var stillHeld = await BidLocksTool.RunAsync(cancel, "show", _marketplace, "stuck", "--redis", redis.Url, "--json");
        var released = await BidLocksTool.RunAsync(cancel, "release", _marketplace, "stuck", "--force", "--reason", "holder hung", "--redis", redis.Url, "--json");
        var again = await BidLocksTool.RunAsync(cancel, "release", _marketplace, "stuck", "--force", "--redis", redis.Url);
        output.WriteLine(released.ToString());

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("without --force", refused.Errors);
        Assert.Equal(0, stillHeld.ExitCode);
        Assert.Equal(stuck.Fence, JsonDocument.Parse(stillHeld.Output).RootElement.GetProperty("fencingToken").GetInt64());

        Assert.True(released.ExitCode == 0, released.ToString());
        var broken = JsonDocument.Parse(released.Output).RootElement;
        Assert.Equal(stuck.Fence, broken.GetProperty("previousFencingToken").GetInt64());
        var raised = broken.GetProperty("fencingToken").GetInt64();
        Assert.True(raised > stuck.Fence);
        // Who did it, and why, in the warning on standard error.
        Assert.Contains("forcibly released", released.Errors);
        Assert.Contains(Environment.UserName + "@" + Environment.MachineName, released.Errors);
        Assert.Contains("holder hung", released.Errors);
        Assert.Equal(3, again.ExitCode);

        // The next holder's token is above the raised fence: the stuck holder's late writes are the lowest of all.
        await using var manager = await RedisBidLockManager.ConnectAsync(new BidLockOptions { RedisUrl = redis.Url }, cancel);
        await using var next = await manager.AcquireAsync(_marketplace, "stuck", TimeSpan.FromSeconds(5), cancel);
        Assert.True(next.FencingToken > raised);
    }

    [Fact(Timeout = 120_000)]
    public async Task Watch_refreshes_the_listing_and_json_gives_one_line_per_refresh()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var held = await HoldAsync("watched");

        var frames = await BidLocksTool.RunAsync(cancel, "watch", "--redis", redis.Url, "--marketplace", _marketplace, "--json", "--count", "3", "--interval", "0.2");
        var live = await BidLocksTool.RunAsync(cancel, "watch", "--redis", redis.Url, "--marketplace", _marketplace, "--count", "2", "--interval", "0.2");

        Assert.True(frames.ExitCode == 0, frames.ToString());
        var lines = frames.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        var ages = lines.Select(line => JsonDocument.Parse(line).RootElement.GetProperty("held")[0].GetProperty("heldForSeconds").GetDouble()).ToList();
        Assert.True(ages[2] > ages[0], string.Join(", ", ages));
        Assert.Equal(0, live.ExitCode);
        Assert.Contains("watched", live.Output);
    }

    [Fact(Timeout = 120_000)]
    public async Task Status_names_the_backend_and_why_and_never_prints_a_password()
    {
        var cancel = TestContext.Current.CancellationToken;
        const string Password = "Sup3r-secret";
        await using var guarded = await RedisServerProcess.StartAsync(password: Password);
        var url = $"redis://:{Password}@127.0.0.1:{guarded.Port}";

        var given = await BidLocksTool.RunAsync(cancel, "status", "--redis", url);
        var fromEnvironment = await BidLocksTool.RunAsync(cancel, new Dictionary<string, string> { ["REDIS_URL"] = url, ["DOTNET_ENVIRONMENT"] = "Production" }, "status", "--json");
        output.WriteLine(given.ToString());
        output.WriteLine(fromEnvironment.ToString());

        Assert.True(given.ExitCode == 0, given.ToString());
        Assert.Contains("--redis names Redis at redis://:***@127.0.0.1:", given.Output);
        Assert.Contains("Healthy", given.Output);
        Assert.Contains("7.", given.Output);
        Assert.Equal(0, fromEnvironment.ExitCode);
        var status = JsonDocument.Parse(fromEnvironment.Output).RootElement;
        Assert.Equal("redis", status.GetProperty("backend").GetString());
        Assert.Contains("Production requires Redis; REDIS_URL names", status.GetProperty("reason").GetString());
        Assert.True(status.GetProperty("latencyMs").GetDouble() >= 0);
        Assert.DoesNotContain(Password, given.Output + given.Errors + fromEnvironment.Output + fromEnvironment.Errors);
    }

    [Fact(Timeout = 120_000)]
    public async Task An_unreachable_Redis_exits_4_with_the_reason_and_no_password()
    {
        var cancel = TestContext.Current.CancellationToken;
        var port = ClosedPort();
        var run = await BidLocksTool.RunAsync(cancel, "list", "--redis", $"redis://:hunter2@127.0.0.1:{port}");

        Assert.Equal(4, run.ExitCode);
        Assert.Contains(port.ToString(CultureInfo.InvariantCulture), run.Errors);
        Assert.DoesNotContain("hunter2", run.Output + run.Errors);
    }

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

/// <summary>A lock held by a child process, and the fence it printed.</summary>
internal sealed record HeldByProcess(TestHostProcess Host, long Fence) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Host.DisposeAsync();
}
