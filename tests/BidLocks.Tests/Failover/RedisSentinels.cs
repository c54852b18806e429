using System.Globalization;
using BidLocks.Tests.Redis;
using BidLocks.Tests.Sqlite;

namespace BidLocks.Tests.Failover;

/// <summary>
/// Three real Sentinels (<c>redis-server CONFIG --sentinel</c>) watching a <see cref="ReplicatedRedis"/> under the
/// service name <see cref="Service"/>, with a quorum of two. Started once every Sentinel has found the other two and
/// every replica (their own "+sentinel" and "+slave" lines), so that a fail-over can be agreed on at once. A primary
/// that does not answer for <see cref="DownAfterMilliseconds"/> is failed over.
/// </summary>
public sealed class RedisSentinels : IAsyncDisposable
{
    public const string Service = "bidlocks-primary";
    public const int Count = 3;

    /// <summary>
    /// Long enough that a primary slowed by a loaded two-core machine is not failed over by mistake, short enough for
    /// a test: a fail-over takes about this plus one to two seconds.
    /// </summary>
    public const int DownAfterMilliseconds = 2000;

    private readonly TempDatabase _folder;
    private readonly List<RedisServerProcess> _sentinels = [];

    private RedisSentinels(TempDatabase folder)
    {
        _folder = folder;
    }

    public IReadOnlyList<RedisServerProcess> Sentinels => _sentinels;

    /// <summary>Starts the Sentinels on <paramref name="redis"/>'s primary; <paramref name="password"/> is every server's and Sentinel's.</summary>
    public static async Task<RedisSentinels> StartAsync(ReplicatedRedis redis, string? password = null)
    {
        var folder = new TempDatabase();
        var sentinels = new RedisSentinels(folder);
        try
        {
            for (var index = 0; index < Count; index++)
            {
                var config = folder.File($"sentinel-{index}.conf");
                var lines = new List<string>
                {
                    string.Create(CultureInfo.InvariantCulture, $"sentinel monitor {Service} 127.0.0.1 {redis.Primary.Port} 2"),
                    string.Create(CultureInfo.InvariantCulture, $"sentinel down-after-milliseconds {Service} {DownAfterMilliseconds}"),
                    $"sentinel failover-timeout {Service} 10000",
                };
                if (password is not null)
                {
                    // The Sentinel's own login, the data nodes' login, and the one Sentinels use with each other.
                    lines.Add($"requirepass \"{password}\"");
                    lines.Add($"sentinel auth-pass {Service} \"{password}\"");
                    lines.Add($"sentinel sentinel-pass \"{password}\"");
                }

                await File.WriteAllLinesAsync(config, lines, TestContext.Current.CancellationToken);
                sentinels._sentinels.Add(await RedisServerProcess.StartSentinelAsync(config));
            }

            foreach (var sentinel in sentinels._sentinels)
            {
                await sentinel.WaitForOutputAsync("+sentinel sentinel", Count - 1);
                await sentinel.WaitForOutputAsync("+slave slave", redis.Replicas.Count);
            }
        }
        catch
        {
            await sentinels.DisposeAsync();
            throw;
        }

        return sentinels;
    }

    /// <summary>The URL an application is given: every Sentinel and the service, with the password if any.</summary>
    public string Url(string? password = null)
        => $"redis+sentinel://{(password is null ? string.Empty : ":" + Uri.EscapeDataString(password) + "@")}"
            + string.Join(',', _sentinels.Select(sentinel => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{sentinel.Port}")))
            + "/" + Service;

    /// <summary>
    /// Waits for a Sentinel to announce that the service moved (<c>+switch-master</c>, printed <paramref name="times"/>
    /// times by one Sentinel since the start) and returns the new primary's port.
    /// </summary>
    public async Task<int> WaitForSwitchAsync(int times = 1)
    {
        var line = await await Task.WhenAny(_sentinels.Select(sentinel => sentinel.WaitForOutputAsync("+switch-master", times, TimeSpan.FromSeconds(60))));
        // "+switch-master <service> <old ip> <old port> <new ip> <new port>"
        return int.Parse(line.TrimEnd('\r').Split(' ')[^1], CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// A planned fail-over, as an operator starts one: <c>SENTINEL FAILOVER</c> on the first Sentinel. The old primary
    /// stays up; Sentinel makes it a replica of the new one later.
    /// </summary>
    public async Task FailOverAsync(string? password = null)
    {
        var options = new StackExchange.Redis.ConfigurationOptions
        {
            CommandMap = StackExchange.Redis.CommandMap.Sentinel,
            TieBreaker = string.Empty,
            Password = password,
            AllowAdmin = true,
        };
        options.EndPoints.Add("127.0.0.1", _sentinels[0].Port);
        await using var sentinel = await StackExchange.Redis.ConnectionMultiplexer.SentinelConnectAsync(options);
        await sentinel.GetServers()[0].ExecuteAsync("SENTINEL", "FAILOVER", Service);
    }

    /// <summary>Every event the Sentinels reported ("+sdown", "+switch-master" …), for the test's output.</summary>
    public string Events() => string.Join('\n', _sentinels.SelectMany((sentinel, index) => sentinel.OutputLines
        .Where(line => line.Contains(" # ", StringComparison.Ordinal) || line.Contains(" * +", StringComparison.Ordinal))
        .Select(line => $"sentinel {index}: {line.TrimEnd('\r')}")));

    public async ValueTask DisposeAsync()
    {
        foreach (var sentinel in _sentinels)
        {
            await sentinel.DisposeAsync();
        }

        _folder.Dispose();
    }
}
