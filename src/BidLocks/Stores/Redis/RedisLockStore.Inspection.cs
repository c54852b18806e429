using StackExchange.Redis;

namespace BidLocks;

/// <summary>
/// Inspection on Redis with read commands only (GET, PTTL, HVALS, TIME; SCAN to find locks), so an operator's read-only user
/// can run it and it can change nothing. Each lock is read in one pipelined round trip: a snapshot that is not atomic,
/// which a hold ending between two reads can only make look already free. Finding locks pages through the keys with
/// <c>SCAN … MATCH &lt;prefix&gt;{…} COUNT</c> on every master of a cluster, never <c>KEYS</c>, so the server is never blocked
/// for longer than one page.
/// </summary>
internal sealed partial class RedisLockStore : ILockInspection
{
    /// <summary>Keys a <c>SCAN</c> call looks at, and locks read per pipelined batch.</summary>
    internal const int ScanPageSize = 500;

    private static readonly RedisScript ForceReleaseScript = new(RedisScripts.ForceRelease);

    /// <summary>How long a listing waits for a move to the named primary to end before it fails.</summary>
    private static readonly TimeSpan MoveWait = TimeSpan.FromSeconds(10);

    public async ValueTask<BidLockInfo?> InspectAsync(BidLockKey key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var serverTime = ServerTime(ServerOf(key.Value));
        var batch = _database.CreateBatch();
        var read = Read(batch, serverTime, key.Value);
        batch.Execute();
        return await read.WaitAsync(cancellationToken).ConfigureAwait(false) is { } info
            ? info with { MarketplaceId = key.MarketplaceId, PostingId = key.PostingId }
            : null;
    }

    public async ValueTask<IReadOnlyList<BidLockInfo>> ListHeldAsync(string keyPrefix, string? marketplaceId, int limit, CancellationToken cancellationToken)
    {
        // While the client moves to the primary the Sentinels named, the old one may still say "master": list from the
        // named one once the move has ended (a connect), never from both.
        await _move.WhenSettled.WaitAsync(MoveWait, cancellationToken).ConfigureAwait(false);
        var pattern = BidLockKeyDecoder.ScanPattern(keyPrefix, marketplaceId);
        var ranking = new HeldLockRanking(limit);
        foreach (var server in Masters())
        {
            var page = new List<(string Key, string Marketplace, string Posting)>(ScanPageSize);
            await foreach (var found in server.KeysAsync(_database.Database, pattern, ScanPageSize).WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                if (BidLockKeyDecoder.TryDecode(keyPrefix, found.ToString(), out var marketplace, out var posting))
                {
                    page.Add((found.ToString(), marketplace, posting));
                }

                if (page.Count == ScanPageSize)
                {
                    await ReadPageAsync(server, page, ranking, cancellationToken).ConfigureAwait(false);
                    page.Clear();
                }
            }

            await ReadPageAsync(server, page, ranking, cancellationToken).ConfigureAwait(false);
        }

        return ranking.Result();
    }

    public async ValueTask<BrokenHold?> ForceReleaseAsync(BidLockKey key, string note, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        RedisValue[] values = [_channel.Name, _channel.MessageFor(key.Value), WaiterTtlMilliseconds, _fenceRetention, note, (long)ForcedReleaseNote.Margin.TotalMilliseconds];
        var result = await ForceReleaseScript.EvaluateResultAsync(_database, RedisKeyNames.ForceRelease(key.Value), values).ConfigureAwait(false);
        return RedisLockProtocol.ParseForcedRelease(result);
    }

    public async ValueTask<string?> ReadForcedReleaseAsync(BidLockKey key, string holderId, CancellationToken cancellationToken)
    {
        var left = (string?)await _database.StringGetAsync(key.Value + RedisKeyNames.BrokenSuffix).WaitAsync(cancellationToken).ConfigureAwait(false);
        return RedisLockProtocol.BrokenNoteFor(left, holderId);
    }

    /// <summary>
    /// The servers that own keys: every master of a cluster, or the one server. A master that cannot be reached fails
    /// the listing rather than leave its locks out without a word.
    /// </summary>
    private IEnumerable<IServer> Masters()
    {
        // The lock steps' connection: after a Sentinel fail-over, the one to the named primary alone, so that the old
        // primary, still saying "master" for a while, is not listed too.
        var masters = _database.Multiplexer.GetServers().Where(server => !server.IsReplica).ToList();
        if (masters.Count == 0)
        {
            throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, "No Redis master is connected, so the locks cannot be listed.");
        }

        foreach (var server in masters)
        {
            if (!server.IsConnected)
            {
                throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, $"The Redis master at {RedisEndpoints.Describe(server.EndPoint)} is not connected, so its locks cannot be listed.");
            }

            // StackExchange.Redis sends KEYS to a server it believes too old for SCAN; BidLocks never does.
            if (!server.Features.Scan)
            {
                throw new NotSupportedException($"The Redis server at {RedisEndpoints.Describe(server.EndPoint)} does not support SCAN, and BidLocks never lists keys with KEYS.");
            }
        }

        return masters;
    }

    private async Task ReadPageAsync(IServer server, List<(string Key, string Marketplace, string Posting)> page, HeldLockRanking ranking, CancellationToken cancellationToken)
    {
        if (page.Count == 0)
        {
            return;
        }

        var serverTime = ServerTime(server);
        var batch = _database.CreateBatch();
        var reads = page.Select(found => Read(batch, serverTime, found.Key)).ToList();
        batch.Execute();
        for (var i = 0; i < reads.Count; i++)
        {
            if (await reads[i].WaitAsync(cancellationToken).ConfigureAwait(false) is { } info)
            {
                ranking.Add(info with { MarketplaceId = page[i].Marketplace, PostingId = page[i].Posting });
            }
        }
    }

    /// <summary>
    /// The server that holds <paramref name="key"/>: its slot's owner on a cluster (from the slot map the client already
    /// has, without a round trip), else the primary.
    /// </summary>
    private IServer ServerOf(string key)
    {
        var connection = _database.Multiplexer;
        foreach (var server in connection.GetServers())
        {
            if (server.ServerType == ServerType.Cluster && server.ClusterConfiguration?.GetBySlot(key)?.EndPoint is { } owner)
            {
                return connection.GetServer(owner);
            }
        }

        return connection.GetServer(RedisEndpoints.Primary(connection) ?? throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, "No Redis server is known, so the lock cannot be read."));
    }

    /// <summary>
    /// The clock of the server that holds the locks, in Unix ms, sent just ahead of their reads on the same connection
    /// (one round trip for both): the end of a hold with waiters and a waiter's deadline are that server's times, and
    /// a client clock running ahead of it would show a held lock as free.
    /// </summary>
    private static async Task<long> ServerTime(IServer server)
        => new DateTimeOffset(await server.TimeAsync().ConfigureAwait(false), TimeSpan.Zero).ToUnixTimeMilliseconds();

    /// <summary>Queues the reads of one lock on <paramref name="batch"/>; the task is its description, null when free.</summary>
    private async Task<BidLockInfo?> Read(IBatch batch, Task<long> serverTime, string key)
    {
        var value = batch.StringGetAsync(key);
        var ttl = batch.KeyTimeToLiveAsync(key);
        var since = batch.StringGetAsync(key + RedisKeyNames.SinceSuffix);
        var fence = batch.StringGetAsync(key + RedisKeyNames.FenceSuffix);
        var waiters = batch.HashValuesAsync(key + RedisKeyNames.WaitersSuffix);
        await Task.WhenAll(value, ttl, since, fence, waiters, serverTime).ConfigureAwait(false);
        // The client's clock only labels the answer: what is still held is decided on the server's.
        var readAt = _time.GetUtcNow();
        // PTTL: no time to live means the key is gone (a lock key always has one).
        if (await value.ConfigureAwait(false) is not { HasValue: true } stored || await ttl.ConfigureAwait(false) is not { } remaining)
        {
            // Free, or ended between the reads.
            return null;
        }

        var (holder, untilMs) = RedisLockProtocol.ParseValue(stored.ToString());
        var nowMs = await serverTime.ConfigureAwait(false);
        if (untilMs is { } flaggedUntil)
        {
            // A hold with waiters: its own end is in the value (the key lives on for the waiters).
            if (flaggedUntil <= nowMs)
            {
                return null;
            }

            remaining = TimeSpan.FromMilliseconds(flaggedUntil - nowMs);
        }

        string? instance = null;
        DateTimeOffset? heldSince = null;
        if (holder is not null && HolderIds.TryParse(holder, out var parsedInstance, out var askedAt))
        {
            instance = parsedInstance;
            heldSince = askedAt;
        }

        if (holder is not null && RedisLockProtocol.HeldSince(await since.ConfigureAwait(false), holder) is { } granted)
        {
            heldSince = granted;
        }

        var live = (await waiters.ConfigureAwait(false)).Count(deadline => (long)deadline > nowMs);
        return new BidLockInfo(
            MarketplaceId: string.Empty,
            PostingId: string.Empty,
            Key: key,
            HolderId: holder,
            InstanceId: instance,
            HeldSince: heldSince,
            ExpiresAt: readAt + remaining,
            FencingToken: RedisLockProtocol.ParseFence(await fence.ConfigureAwait(false)),
            Waiters: live,
            ReadAt: readAt);
    }
}
