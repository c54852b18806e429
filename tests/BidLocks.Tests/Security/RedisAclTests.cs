using BidLocks.Tests.Redis;
using BidLocks.Tests.Support;
using StackExchange.Redis;

namespace BidLocks.Tests.Security;

/// <summary>
/// BidLocks under the least-privileged Redis user that the README's "Redis ACL" section documents (the line is read
/// from README.md, so the documentation is what is tested): every lock step works and the server refuses nothing
/// BidLocks itself asks for; a user missing a key pattern or a command fails each call clearly and runs no body.
/// </summary>
public sealed class RedisAclTests : IAsyncLifetime
{
    private const string Password = "acl-Pa55-word";

    // What StackExchange.Redis tries when it connects and does without when refused: server details, cluster
    // discovery, connection names, script preloading, and its own fail-over tie-breaker key and channel.
    private static readonly string[] ClientExtras =
        ["info", "config|get", "cluster|nodes", "cluster|slots", "client|id", "client|setname", "script|load", "__Booksleeve_TieBreak", "__Booksleeve_MasterChanged"];

    private readonly string _marketplace = "mkt-" + Guid.NewGuid().ToString("N");
    private RedisServerProcess _server = null!;
    private ConnectionMultiplexer _admin = null!;

    private IServer Admin => _admin.GetServer(_admin.GetEndPoints()[0]);

    public async ValueTask InitializeAsync()
    {
        _server = await RedisServerProcess.StartAsync();
        _admin = await RedisTestConnections.RawAsync(_server);
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        await _server.DisposeAsync();
    }

    /// <summary>The <c>ACL SETUSER</c> line of the README's "Redis ACL" section, as words.</summary>
    public static string[] ReadmeAclLine() => ReadmeAclLine("bidlocks");

    /// <summary>The README's "Redis ACL" line that sets up <paramref name="user"/>, as words.</summary>
    public static string[] ReadmeAclLine(string user)
    {
        var readme = RepositoryFiles.ReadAllText("README.md");
        var section = readme[readme.IndexOf("### Redis ACL", StringComparison.Ordinal)..];
        var line = section.Split('\n').Single(text => text.StartsWith($"ACL SETUSER {user} ", StringComparison.Ordinal));
        return line.Trim().Split(' ');
    }

    [Fact]
    public void The_README_line_grants_what_the_runtime_asks_for()
        => Assert.Equal(["ACL", "SETUSER", "bidlocks", "reset", "on", ">password", .. RedisAcl.Rules(BidLockDefaults.KeyPrefix).Split(' ')], ReadmeAclLine());

    [Fact(Timeout = 60_000)]
    public async Task Every_lock_step_works_under_the_README_ACL_user_and_nothing_BidLocks_needs_is_refused()
    {
        var cancel = TestContext.Current.CancellationToken;
        await CreateUserAsync(ReadmeAclLine());
        await using var one = await ConnectAsUserAsync();
        await using var two = await ConnectAsUserAsync();

        // Every script: first try, queue, renewal, hand-over with its notification, a waiter giving up, and health.
        var lease = await one.AcquireAsync(_marketplace, "acl", new BidLockAcquireOptions(Ttl: TimeSpan.FromMilliseconds(1500)), cancel);
        Assert.Null(await two.TryAcquireAsync(_marketplace, "acl", TimeSpan.FromMilliseconds(200), cancel));
        var waiter = Task.Run(async () => await two.AcquireAsync(_marketplace, "acl", TimeSpan.FromSeconds(30), cancel), cancel);
        await WaitForQueueAsync("acl");
        await Task.Delay(TimeSpan.FromMilliseconds(1200), cancel); // the body's work: long enough to need renewals
        Assert.True(await lease.ReleaseAsync());
        await using (var handed = await waiter)
        {
            Assert.True(handed.FencingToken > lease.FencingToken);
        }

        Assert.True(await one.AcquireLockAsync(_marketplace, "manual", "holder-1", cancellationToken: cancel));
        Assert.True(await one.ReleaseLockAsync(_marketplace, "manual", "holder-1", cancel));
        Assert.Equal(BidLockHealthStatus.Healthy, (await one.CheckHealthAsync(cancel)).Status);

        Assert.True(one.GetMetrics().LeaseExtensions > 0);
        Assert.Equal(0, one.GetMetrics().BackendErrors + two.GetMetrics().BackendErrors);
        var refused = await RefusedAsync();
        Assert.All(refused, denied => Assert.Contains(denied, ClientExtras));
    }

    [Theory(Timeout = 60_000)]
    [InlineData("~bidlock:*", "NOPERM this user has no permissions to access one of the keys")]
    [InlineData("+evalsha", "NOPERM this user has no permissions to run the 'evalsha' command")]
    [InlineData("+time", "The user executing the script can't run this command")]
    [InlineData("+zadd", "The user executing the script can't run this command")]
    public async Task A_user_missing_part_of_the_ACL_fails_each_call_clearly_and_runs_no_body(string missing, string refusal)
    {
        var cancel = TestContext.Current.CancellationToken;
        await CreateUserAsync([.. ReadmeAclLine().Where(word => word != missing)]);
        await using var one = await ConnectAsUserAsync();
        await using var two = await ConnectAsUserAsync();
        var bodies = 0;

        var error = await Assert.ThrowsAsync<BidLockUnavailableException>(async () =>
        {
            // The first try needs the lock key, EVALSHA and TIME; a second holder's wait needs the queue (ZADD).
            Assert.True(await one.AcquireLockAsync(_marketplace, "refused", "holder-1", cancellationToken: cancel));
            await using var lease = await two.AcquireAsync(_marketplace, "refused", TimeSpan.FromSeconds(5), cancel);
            bodies++;
        });

        Assert.Equal(0, bodies);
        // Redis' own words, then what to grant: for a command inside a script Redis does not say which.
        Assert.True(error.Message.Contains(refusal, StringComparison.Ordinal), error.Message);
        Assert.EndsWith($"give it these ACL rules: {RedisAcl.Rules(BidLockDefaults.KeyPrefix)}", error.Message);
        Assert.Equal("redis", error.Backend);
    }

    private async Task CreateUserAsync(string[] aclLine)
    {
        Assert.Equal("ACL", aclLine[0]);
        await Admin.ExecuteAsync("ACL", [.. aclLine[1..].Select(word => (object)(word == ">password" ? ">" + Password : word))]);
        await Admin.ExecuteAsync("ACL", "LOG", "RESET");
    }

    private Task<RedisBidLockManager> ConnectAsUserAsync()
        => RedisBidLockManager.ConnectAsync(new BidLockOptions { RedisUrl = $"redis://bidlocks:{Password}@127.0.0.1:{_server.Port}" }, TestContext.Current.CancellationToken);

    /// <summary>What the server refused this test's user, from ACL LOG: commands, keys and channels.</summary>
    private async Task<List<string>> RefusedAsync()
    {
        var entries = (RedisResult[])(await Admin.ExecuteAsync("ACL", "LOG"))!;
        return entries.Select(entry =>
        {
            var fields = (RedisResult[])entry!;
            var index = Array.FindIndex(fields, field => field.ToString() == "object");
            return fields[index + 1].ToString();
        }).ToList();
    }

    private async Task WaitForQueueAsync(string posting)
    {
        var queue = RedisTestConnections.LockKey(_marketplace, posting) + ":queue";
        while (!await _admin.GetDatabase().KeyExistsAsync(queue))
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }
}
