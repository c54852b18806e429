using StackExchange.Redis;

namespace BidLocks;

/// <summary>
/// Sets taken whole on Redis (<see cref="RedisSetScripts.AcquireSet"/>): one script for every member that lives on one
/// server. Outside a cluster that is the whole set; inside one, a script may only touch one hash slot, so each slot's
/// members are one group (<see cref="SetGroup"/>) and the manager takes the groups in slot order.
/// </summary>
internal sealed partial class RedisLockStore
{
    private static readonly RedisScript AcquireSet = new(RedisSetScripts.AcquireSet);

    // 1 when the server is a cluster, 0 when not, -1 until known (read on the first set; the connection is open by then).
    private int _clustered = -1;

    /// <summary>
    /// On since a waiting set takes its process's turn at its first key (BidLockManagerBase.WholeSet): before that, every
    /// waiting set call stood in the backend's queues and retried on each release, and the four-process opposite-order
    /// soak held 9/8/11/112 sets per process in 15 s with a 10.8 s wait (docs/reliability.md).
    /// </summary>
    public bool TakesSetsWhole => true;

    public int SetGroup(BidLockKey key)
    {
        if (_clustered < 0)
        {
            _clustered = _connection.GetServers().Any(server => server.ServerType == ServerType.Cluster) ? 1 : 0;
        }

        return _clustered == 1 ? _connection.HashSlot(key.Value) : 0;
    }

    /// <summary>
    /// A set that only looks flags the holds it finds, and a flagged hold's release is announced even with nobody
    /// queued (<see cref="RedisScripts.ReleaseQueued"/>): the set hears of it on the release channel.
    /// </summary>
    public bool SetsLookBeforeWaitingInLine => true;

    public async ValueTask<SetAttempt> TryAcquireSetAsync(BidLockKey[] keys, string holderId, TimeSpan ttl, bool skipFencingToken, bool waitInLine, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var version = GrantableVersion(keys[0], ttl);
        var redisKeys = new RedisKey[keys.Length * RedisSetScripts.KeysPerMember];
        for (var i = 0; i < keys.Length; i++)
        {
            RedisKeyNames.Queued(keys[i].Value).CopyTo(redisKeys, i * RedisSetScripts.KeysPerMember);
        }

        var values = new RedisValue[6 + keys.Length];
        values[0] = holderId;
        values[1] = Milliseconds(ttl);
        values[2] = WaiterTtlMilliseconds;
        values[3] = skipFencingToken ? RedisLockProtocol.SkipFencingTokenRetention : _fenceRetention;
        values[4] = _channel.Name;
        for (var i = 0; i < keys.Length; i++)
        {
            values[5 + i] = _channel.MessageFor(keys[i].Value);
        }

        values[5 + keys.Length] = waitInLine ? 1 : 0;

        var started = LeaseClock.Read(_time);
        var result = await AcquireSet.EvaluateResultAsync(_database, redisKeys, values).ConfigureAwait(false);

        var reply = (long[])result!;
        if (reply[0] == 0)
        {
            if (!_channel.IsSubscribed)
            {
                // The set now waits for releases: hear of them (a failure here leaves it to its backoff, as a single waiter).
                await SubscribeQuietlyAsync().ConfigureAwait(false);
            }

            return SetAttempt.Busy(TimeSpan.FromMilliseconds(reply[1]), (int)reply[2]);
        }

        // A grant the old primary may have given during a move is released on the new one and refused: every key of it.
        for (var i = 1; i < keys.Length && _move.Version != version; i++)
        {
            _releaseRetry.Start(keys[i], holderId, LongestTtl);
        }

        for (var i = 0; i < keys.Length; i++)
        {
            _ = Granted(keys[i], holderId, version, reply[i + 1], default);

            // A set is taken where others bid too: its releases go straight to the hand-over (one round trip each).
            _contended.Note(keys[i].Value, holderId);
        }

        return SetAttempt.Success(reply[1..], started.Plus(ttl));
    }

    private async ValueTask SubscribeQuietlyAsync()
    {
        try
        {
            await _channel.EnsureSubscribedAsync().ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            RedisLog.SubscribeFailed(_logger, _channel.Name, exception);
        }
    }
}
