using System.Globalization;
using System.Text.Json;
using BidLocks.Tests.Failover;
using BidLocks.Tests.Redis;
using BidLocks.Tests.Reliability;
using BidLocks.Tests.Sqlite;

namespace BidLocks.Tests.Cli;

/// <summary>
/// The real <c>bidlocks</c> tool against a primary with a replica: <c>status --min-replicas N</c>
/// shows the replicas the services need, and <c>list</c> through the Sentinels, run while a planned fail-over leaves two
/// servers saying "master", shows a held lock once, read from the primary the Sentinels name.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class BidLocksToolReplicaTests(ITestOutputHelper output)
{
    private readonly string _marketplace = "mkt-" + Guid.NewGuid().ToString("N");

    [Fact(Timeout = 120_000)]
    public async Task Status_with_min_replicas_shows_the_replicas_that_answer()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var redis = await ReplicatedRedis.StartAsync(replicas: 1);
        var url = string.Create(CultureInfo.InvariantCulture, $"redis://127.0.0.1:{redis.Primary.Port}");

        var enough = await BidLocksTool.RunAsync(cancel, "status", "--redis", url, "--min-replicas", "1");
        var tooFew = await BidLocksTool.RunAsync(cancel, "status", "--redis", url, "--min-replicas", "2", "--json");
        output.WriteLine(enough.ToString());
        output.WriteLine(tooFew.ToString());

        Assert.True(enough.ExitCode == 0, enough.ToString());
        Assert.Contains("1 replica(s) answering, MinReplicas 1", enough.Output, StringComparison.Ordinal);
        Assert.NotEqual(0, tooFew.ExitCode);
        var status = JsonDocument.Parse(tooFew.Output).RootElement;
        Assert.Equal("Unhealthy", status.GetProperty("health").GetString());
        Assert.Contains("Only 1 replica(s) answering, MinReplicas 2", status.GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 180_000)]
    public async Task List_through_the_Sentinels_during_a_planned_fail_over_shows_a_held_lock_once()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var redis = await ReplicatedRedis.StartAsync(replicas: 1);
        await using var sentinels = await RedisSentinels.StartAsync(redis);
        using var events = new OutputOnDispose(output, () => redis.Events() + "\n" + sentinels.Events());
        await using var holder = TestHostProcess.Start("hold", "--redis-url", sentinels.Url(), "--marketplace", _marketplace, "--posting", "held", "--ttl-ms", "60000");
        Assert.StartsWith("held ", await holder.ReadLineAsync());
        using (var raw = await RedisTestConnections.RawAsync(redis.Primary))
        {
            // On the replica too, so that both servers hold it when the roles switch.
            await raw.GetServers()[0].ExecuteAsync("WAIT", 1, 30_000);
        }

        var before = await BidLocksTool.RunAsync(cancel, "list", "--redis", sentinels.Url(), "--marketplace", _marketplace, "--json");
        await sentinels.FailOverAsync();
        await sentinels.WaitForSwitchAsync();
        // At once: the old primary says "master" until Sentinel turns it round, seconds later.
        var during = await BidLocksTool.RunAsync(cancel, "list", "--redis", sentinels.Url(), "--marketplace", _marketplace, "--json");
        var oldPrimaryRole = await RoleAsync(redis.Primary);
        output.WriteLine(before.ToString());
        output.WriteLine(during.ToString());
        output.WriteLine($"The old primary's role after the listing: {oldPrimaryRole}");

        Assert.True(before.ExitCode == 0, before.ToString());
        Assert.Single(JsonDocument.Parse(before.Output).RootElement.EnumerateArray());
        Assert.True(during.ExitCode == 0, during.ToString());
        var rows = JsonDocument.Parse(during.Output).RootElement.EnumerateArray().ToList();
        Assert.True(rows.Count == 1, $"the held lock was listed {rows.Count} times:\n{during.Output}");
        Assert.Equal("held", rows[0].GetProperty("postingId").GetString());
    }

    private static async Task<string> RoleAsync(RedisServerProcess server)
    {
        using var raw = await RedisTestConnections.RawAsync(server);
        var role = (StackExchange.Redis.RedisResult[])(await raw.GetServers()[0].ExecuteAsync("ROLE"))!;
        return role[0].ToString();
    }
}
