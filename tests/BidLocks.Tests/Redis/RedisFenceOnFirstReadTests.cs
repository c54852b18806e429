using BidLocks.Tests.Support;
using StackExchange.Redis;

namespace BidLocks.Tests.Redis;

/// <summary>
/// A Redis lease takes its fencing token when <see cref="BidLockLease.FencingToken"/> is first read, unless its acquire
/// asked for it at the grant (<see cref="BidLockAcquireOptions.FencingTokenAtGrant"/>): a caller who never reads it
/// costs the server no fence work, and every token handed out still ranks after every earlier holder's and before
/// every later one's. On a real redis-server, the fence key read directly.
/// </summary>
public sealed class RedisFenceOnFirstReadTests(SharedRedisServer shared)
{
    private readonly string _marketplace = "mkt-" + Guid.NewGuid().ToString("N");

    [Fact(Timeout = 60_000)]
    public async Task A_lease_whose_token_is_never_read_takes_no_fence()
    {
        await using var manager = await RedisTestConnections.ConnectAsync(shared.Server);
        using var raw = await RedisTestConnections.RawAsync(shared.Server);
        var cancel = TestContext.Current.CancellationToken;

        await using (var lease = await manager.AcquireAsync(_marketplace, "unread", cancellationToken: cancel))
        {
            Assert.True(lease.IsHeld);
            Assert.Contains("fence not read yet", lease.ToString());
        }

        Assert.False(await raw.GetDatabase().KeyExistsAsync(FenceKey("unread")));
    }

    [Fact(Timeout = 60_000)]
    public async Task The_first_read_takes_a_fence_after_the_previous_holders_and_before_the_next()
    {
        await using var manager = await RedisTestConnections.ConnectAsync(shared.Server);
        using var raw = await RedisTestConnections.RawAsync(shared.Server);
        var cancel = TestContext.Current.CancellationToken;
        long first, second;
        await using (var lease = await manager.AcquireAsync(_marketplace, "ranked", cancellationToken: cancel))
        {
            first = lease.FencingToken;
            Assert.Equal(first, lease.FencingToken);
            Assert.Equal(first, await StoredFenceAsync(raw, "ranked"));
        }

        await using (var lease = await manager.AcquireAsync(_marketplace, "ranked", cancellationToken: cancel))
        {
            // Granted, not yet read: the stored fence is still the first holder's.
            Assert.Equal(first, await StoredFenceAsync(raw, "ranked"));
            second = lease.FencingToken;
            Assert.True(second > first, $"{second} after {first}");
        }

        await using var third = await manager.AcquireAsync(_marketplace, "ranked", new BidLockAcquireOptions(FencingTokenAtGrant: true), cancel);

        // Taken with the grant: stored before anybody read it.
        var stored = await StoredFenceAsync(raw, "ranked");
        Assert.True(stored > second, $"{stored} after {second}");
        Assert.Equal(stored, third.FencingToken);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_lease_lost_before_its_first_read_gets_no_fence_and_is_told_so()
    {
        await using var holder = await RedisTestConnections.ConnectAsync(shared.Server);
        await using var other = await RedisTestConnections.ConnectAsync(shared.Server);
        using var raw = await RedisTestConnections.RawAsync(shared.Server);
        var cancel = TestContext.Current.CancellationToken;
        await using var lost = await holder.AcquireAsync(_marketplace, "broken", cancellationToken: cancel);

        Assert.NotNull(await other.ForceReleaseAsync(_marketplace, "broken", "operator", cancel));
        await using var successor = await other.AcquireAsync(_marketplace, "broken", cancellationToken: cancel);
        var successorFence = successor.FencingToken;

        // A fence taken now would rank above the successor's and let the lost holder's writes win.
        var error = Assert.Throws<BidLockLostException>(() => lost.FencingToken);
        Assert.Equal("broken", error.PostingId);
        Assert.True(lost.IsLost);
        Assert.True(lost.LostToken.IsCancellationRequested);
        Assert.Equal(successorFence, await StoredFenceAsync(raw, "broken"));
        Assert.Throws<BidLockLostException>(() => lost.FencingToken);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_lease_released_before_its_first_read_has_no_token_to_give()
    {
        await using var manager = await RedisTestConnections.ConnectAsync(shared.Server);
        using var raw = await RedisTestConnections.RawAsync(shared.Server);
        var lease = await manager.AcquireAsync(_marketplace, "released", cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(await lease.ReleaseAsync());

        var error = Assert.Throws<InvalidOperationException>(() => lease.FencingToken);

        Assert.Contains(nameof(BidLockAcquireOptions.FencingTokenAtGrant), error.Message);
        Assert.Contains("fence not read yet", lease.ToString());
        Assert.False(await raw.GetDatabase().KeyExistsAsync(FenceKey("released")));
    }

    [Fact(Timeout = 60_000)]
    public async Task Readers_racing_for_the_first_read_all_see_one_token()
    {
        await using var manager = await RedisTestConnections.ConnectAsync(shared.Server);
        await using var lease = await manager.AcquireAsync(_marketplace, "raced", cancellationToken: TestContext.Current.CancellationToken);
        using var start = new Barrier(8);

        var tokens = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            start.SignalAndWait(TestContext.Current.CancellationToken);
            return lease.FencingToken;
        })));

        Assert.Single(tokens.Distinct());
        Assert.True(tokens[0] > 0);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_re_entered_lease_reads_the_same_token_its_outer_lease_took_on_first_read()
    {
        await using var manager = await RedisTestConnections.ConnectAsync(shared.Server);
        var cancel = TestContext.Current.CancellationToken;
        await using var outer = await manager.AcquireAsync(_marketplace, "shared", cancellationToken: cancel);
        await using var inner = await manager.AcquireAsync(_marketplace, "shared", TimeSpan.Zero, cancel);

        var token = inner.FencingToken;

        Assert.True(token > 0);
        Assert.Equal(token, outer.FencingToken);
    }

    [Fact(Timeout = 120_000)]
    public async Task A_first_read_while_the_server_is_frozen_fails_as_unavailable_and_a_later_read_takes_it()
    {
        await using var server = await RedisServerProcess.StartAsync();
        // A TTL far beyond the command timeout: the lease outlives the frozen read.
        await using var manager = await RedisTestConnections.ConnectAsync(server, options => options.DefaultTtl = TimeSpan.FromSeconds(60));
        await using var lease = await manager.AcquireAsync(_marketplace, "outage", cancellationToken: TestContext.Current.CancellationToken);

        server.Pause();
        try
        {
            Assert.Throws<BidLockUnavailableException>(() => lease.FencingToken);
        }
        finally
        {
            server.Resume();
        }

        Assert.False(lease.IsLost);
        Assert.True(lease.FencingToken > 0);
    }

    private string FenceKey(string posting) => RedisTestConnections.LockKey(_marketplace, posting) + RedisKeyNames.FenceSuffix;

    private async Task<long> StoredFenceAsync(ConnectionMultiplexer raw, string posting)
        => (long)await raw.GetDatabase().StringGetAsync(FenceKey(posting));
}
