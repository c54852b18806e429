using System.Text.RegularExpressions;
using BidLocks.Tests.Failover;
using BidLocks.Tests.Redis;
using BidLocks.Tests.Support;

namespace BidLocks.Tests.Security;

/// <summary>
/// The README's least-privileged user with <see cref="BidLockOptions.MinReplicas"/>: without <c>+wait</c> the manager
/// is refused at start, saying what to grant; with the README's <c>ACL SETUSER bidlocks +wait</c> it locks, each grant
/// acknowledged by the replica.
/// </summary>
public sealed partial class MinReplicasAclTests
{
    private const string Password = "acl-Pa55-word";

    [Fact(Timeout = 60_000)]
    public async Task The_README_user_needs_the_README_wait_rule_for_MinReplicas()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var redis = await ReplicatedRedis.StartAsync(replicas: 1);
        using var admin = await RedisTestConnections.RawAsync(redis.Primary);
        var server = admin.GetServer("127.0.0.1", redis.Primary.Port);
        await server.ExecuteAsync("ACL", [.. RedisAclTests.ReadmeAclLine()[1..].Select(word => (object)(word == ">password" ? ">" + Password : word))]);
        var options = new BidLockOptions { RedisUrl = $"redis://bidlocks:{Password}@127.0.0.1:{redis.Primary.Port}", MinReplicas = 1 };

        var refused = await Assert.ThrowsAsync<BidLockUnavailableException>(() => RedisBidLockManager.ConnectAsync(options, cancel));
        await server.ExecuteAsync("ACL", [.. ReadmeWaitRule()[1..]]);
        await using var manager = await RedisBidLockManager.ConnectAsync(options, cancel);
        await using var lease = await manager.AcquireAsync("mkt-" + Guid.NewGuid().ToString("N"), "posting", TimeSpan.Zero, cancel);

        Assert.Contains("NOPERM", refused.Message, StringComparison.Ordinal);
        Assert.Contains("+wait", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, refused.ToString(), StringComparison.Ordinal);
    }

    /// <summary>The <c>ACL SETUSER bidlocks +wait</c> the README's "Redis ACL" section gives for MinReplicas, as words.</summary>
    private static string[] ReadmeWaitRule()
    {
        var readme = RepositoryFiles.ReadAllText("README.md");
        var section = readme[readme.IndexOf("### Redis ACL", StringComparison.Ordinal)..];
        return WaitRule().Match(section).Groups[1].Value.Split(' ');
    }

    [GeneratedRegex("`(ACL SETUSER bidlocks \\+wait)`")]
    private static partial Regex WaitRule();
}
