using System.Diagnostics;
using System.Globalization;
using BidLocks.Tests.Redis;
using BidLocks.Tests.Reliability;
using StackExchange.Redis;

namespace BidLocks.Tests.Failover;

/// <summary>
/// What <see cref="BidLockOptions.MinReplicas"/> = 1 costs per acquire, measured in one process against one primary
/// with one replica on loopback: acquire-and-release cycles, alternating rounds with and without it, one at a time and
/// with 16 workers. Counted by the server (<c>INFO commandstats</c>): MinReplicas = 1 sends exactly one <c>WAIT</c> per
/// grant, MinReplicas = 0 none. The timings are printed for docs/benchmarks.md, and not asserted: this machine is shared.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class MinReplicasCostTests(ITestOutputHelper output)
{
    private const int Rounds = 5;
    private const int CyclesPerRound = 400;
    private const int Workers = 16;
    private readonly string _marketplace = "mkt-" + Guid.NewGuid().ToString("N");

    [Fact(Timeout = 300_000)]
    public async Task MinReplicas_1_sends_one_WAIT_per_grant_and_MinReplicas_0_sends_none()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var redis = await ReplicatedRedis.StartAsync(replicas: 1);
        await using var without = await RedisTestConnections.ConnectAsync(redis.Primary, options => options.MinReplicas = 0);
        await using var with = await RedisTestConnections.ConnectAsync(redis.Primary, options => options.MinReplicas = 1);
        using var raw = await RedisTestConnections.RawAsync(redis.Primary);
        var server = raw.GetServer("127.0.0.1", redis.Primary.Port);
        await CyclesAsync(without, "warm-up", 1, 200, cancel);
        await CyclesAsync(with, "warm-up", 1, 200, cancel);

        var results = new Dictionary<string, List<double>>();
        long waitsWithout = 0, waitsWith = 0;
        for (var round = 0; round < Rounds; round++)
        {
            foreach (var (name, manager, workers) in new[] { ("0, sequential", without, 1), ("1, sequential", with, 1), ("0, 16 workers", without, Workers), ("1, 16 workers", with, Workers) })
            {
                var before = await WaitCallsAsync(server);
                var microseconds = await CyclesAsync(manager, name, workers, CyclesPerRound, cancel);
                var waits = await WaitCallsAsync(server) - before;
                if (manager == without)
                {
                    waitsWithout += waits;
                }
                else
                {
                    waitsWith += waits;
                }

                (results.TryGetValue(name, out var list) ? list : results[name] = []).Add(microseconds);
            }
        }

        foreach (var (name, values) in results)
        {
            values.Sort();
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"MinReplicas {name}: {values[values.Count / 2]:F0} µs per acquire+release (median of {Rounds} rounds of {CyclesPerRound}; range {values[0]:F0} - {values[^1]:F0})"));
        }

        output.WriteLine($"WAIT commands counted by the server: {waitsWithout} with MinReplicas 0, {waitsWith} with MinReplicas 1 ({2 * Rounds * CyclesPerRound} grants each)");
        Assert.Equal(0, waitsWithout);
        Assert.Equal(2 * Rounds * CyclesPerRound, waitsWith);
    }

    /// <summary>Acquire-and-release cycles on postings of their own, <paramref name="workers"/> at a time; µs per cycle, wall clock.</summary>
    private async Task<double> CyclesAsync(IBidLockManager manager, string name, int workers, int cycles, CancellationToken cancel)
    {
        var each = cycles / workers;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
        {
            for (var cycle = 0; cycle < each; cycle++)
            {
                await using var lease = await manager.AcquireAsync(_marketplace, $"{name}-{worker}", TimeSpan.FromSeconds(10), cancel);
            }
        })));
        return clock.Elapsed.TotalMicroseconds / (each * workers);
    }

    private static async Task<long> WaitCallsAsync(IServer server)
    {
        var stats = (await server.InfoAsync("commandstats")).SelectMany(group => group).FirstOrDefault(pair => pair.Key == "cmdstat_wait").Value;
        // "calls=12,usec=…"
        return stats is null ? 0 : long.Parse(stats.Split(',')[0]["calls=".Length..], CultureInfo.InvariantCulture);
    }
}
