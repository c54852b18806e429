using BidLocks.Tests.Redis;
using StackExchange.Redis;

namespace BidLocks.Tests.Compatibility;

/// <summary>
/// The scripts stay within Redis 6.0, by the test server's own account of its commands (COMMAND DOCS: each command's
/// and option's <c>since</c>, and its history). A later change that slips in a 6.2 or 7.x option fails here with the
/// script, command, option and version. The checker's own tests run against the same server, so they also prove the
/// server's docs still say what the checker expects.
/// </summary>
public sealed class Redis60CompatibilityTests(SharedRedisServer redis)
{
    private static readonly Version Baseline = new(6, 0, 0);

    [Fact(Timeout = 60_000)]
    public async Task Every_script_uses_only_commands_and_options_that_Redis_6_0_has()
    {
        var findings = await CheckAsync(RedisScriptSources.All, TestContext.Current.CancellationToken);

        Assert.True(findings.Count == 0, $"{findings.Count} uses need a Redis newer than {Baseline}:\n" + string.Join("\n", findings));
    }

    [Fact(Timeout = 60_000)]
    public async Task SET_with_NX_and_GET_is_reported_as_7_0_and_SET_with_GET_as_6_2()
    {
        var findings = await CheckAsync(new Dictionary<string, string>
        {
            ["both"] = "redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2], 'GET')",
            ["get"] = "redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'GET')",
        }, TestContext.Current.CancellationToken);

        Assert.Contains(findings, finding => finding is { Script: "both", Command: "SET", Option: "NX+GET" } && finding.Since == new Version(7, 0, 0));
        Assert.Contains(findings, finding => finding is { Script: "both", Command: "SET", Option: "GET" } && finding.Since == new Version(6, 2, 0));
        Assert.Contains(findings, finding => finding is { Script: "get", Command: "SET", Option: "GET" } && finding.Since == new Version(6, 2, 0));
        Assert.DoesNotContain(findings, finding => finding is { Script: "get", Option: "NX+GET" });
    }

    [Fact(Timeout = 60_000)]
    public async Task Options_inherit_the_version_of_their_group_and_new_commands_are_caught()
    {
        var findings = await CheckAsync(new Dictionary<string, string>
        {
            // PEXPIRE's NX has no `since` of its own; its group says 7.0.0.
            ["pexpire"] = "redis.call('PEXPIRE', KEYS[1], 100, 'NX')",
            ["zadd"] = "redis.call('ZADD', KEYS[1], 'GT', 1, 'm')",
            ["getdel"] = "return redis.call('GETDEL', KEYS[1])",
        }, TestContext.Current.CancellationToken);

        Assert.Equal(
            ["getdel GETDEL  6.2.0", "pexpire PEXPIRE NX 7.0.0", "zadd ZADD GT 6.2.0"],
            findings.Select(finding => $"{finding.Script} {finding.Command} {finding.Option} {finding.Since}").Order(StringComparer.Ordinal));
    }

    [Fact(Timeout = 60_000)]
    public async Task What_Redis_6_0_has_passes()
    {
        var findings = await CheckAsync(new Dictionary<string, string>
        {
            ["ok"] = """
                local old = redis.call('GET', KEYS[1])
                redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2])
                redis.call('SET', KEYS[1], ARGV[1], 'KEEPTTL')
                redis.call('ZADD', KEYS[2], 'NX', 1, 'm')
                redis.call('ZRANGE', KEYS[2], 0, 0)
                redis.call('HSET', KEYS[3], 'f', 1)
                redis.call('PUBLISH', ARGV[3], 'm')
                local t = redis.call('TIME')
                """,
        }, TestContext.Current.CancellationToken);

        Assert.Empty(findings);
    }

    private async Task<IReadOnlyList<CompatibilityFinding>> CheckAsync(IReadOnlyDictionary<string, string> scripts, CancellationToken cancellationToken)
    {
        using var raw = await RedisTestConnections.RawAsync(redis.Server);
        var server = raw.GetServer(raw.GetEndPoints()[0]);
        // COMMAND DOCS arrived in Redis 7.0: an older test server cannot answer for the scripts.
        Assert.True(server.Version >= new Version(7, 0), $"The test server is Redis {server.Version}; COMMAND DOCS needs 7.0 or later.");
        return await ScriptCompatibility.CheckAsync(scripts, command => CommandDoc.FetchAsync(server, command).WaitAsync(cancellationToken), Baseline);
    }
}
