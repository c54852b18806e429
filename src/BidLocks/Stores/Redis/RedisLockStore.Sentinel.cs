using System.Diagnostics;
using StackExchange.Redis;

namespace BidLocks;

// What ReplicatedRedisLockStore needs of the store it wraps, the Sentinel follower the store keeps, and what a move to
// another primary means for each lock step (RedisPrimaryMove).
internal sealed partial class RedisLockStore
{
    private RedisSentinelFollower? _sentinelFollower;
    private RedisRecentReleases? _recentReleases;
    private RedisNamedPrimaryConnection? _namedPrimary;
    private Action<IConnectionMultiplexer>? _routed;
    // When the lock steps last moved to a named primary (a Stopwatch timestamp; 0 before any).
    private long _movedAt;
    private static readonly RedisScript Reassert = new(RedisOrphanScripts.Reassert);

    /// <summary>With Sentinel: follows the primary the Sentinels name (see <see cref="RedisSentinelFollower"/>).</summary>
    internal void FollowSentinels(RedisConnectionSettings settings)
    {
        _recentReleases ??= new RedisRecentReleases();
        _sentinelFollower ??= new RedisSentinelFollower(_connection, settings, _move, Route, OnPrimaryMoved, _logger);
    }

    /// <summary>
    /// With Sentinel: follows the primary the Sentinels name, and at start moves to it at once unless the client writes
    /// to it alone already (see <see cref="RedisSentinelFollower.SettleAsync"/>), waiting at most the connect timeout.
    /// </summary>
    internal async Task FollowSentinelsAsync(RedisConnectionSettings settings)
    {
        FollowSentinels(settings);
        await _sentinelFollower!.SettleAsync(settings.ConnectTimeout).ConfigureAwait(false);
    }

    /// <summary>
    /// The database the lock steps run on now: the client's, or after a Sentinel fail-over the named primary's. A
    /// <c>WAIT</c> after a step must go down the same connection (see <see cref="OnRouted"/>).
    /// </summary>
    internal IDatabase Database => _database;

    /// <summary>Called with the new connection whenever the lock steps move to another one (a Sentinel fail-over).</summary>
    internal void OnRouted(Action<IConnectionMultiplexer> routed) => _routed += routed;

    // While the move is under way no grant counts, so swapping the database needs no lock: a step that read the move
    // version before the swap is refused or sent again whichever connection carried it.
    private void Route(RedisNamedPrimaryConnection named)
    {
        _holdWatch.Watch(named.Connection);
        _routed?.Invoke(named.Connection);
        _database = named.Database;
        // Before the move ends: a renewal that waited for the move may run at once, and must know it may meet an orphan.
        Volatile.Write(ref _movedAt, Stopwatch.GetTimestamp());
        var previous = Interlocked.Exchange(ref _namedPrimary, named);
        if (previous is not null)
        {
            _ = previous.DisposeAsync().AsTask();
        }
    }

    private TimeSpan LongestTtl => TimeSpan.FromTicks(Volatile.Read(ref _longestTtlTicks));

    /// <summary>Raises <see cref="LongestTtl"/> to <paramref name="ttl"/>; before the step is sent, so no grant outlives it.</summary>
    private void NoteTtl(TimeSpan ttl)
    {
        var longest = Volatile.Read(ref _longestTtlTicks);
        while (ttl.Ticks > longest)
        {
            var seen = Interlocked.CompareExchange(ref _longestTtlTicks, ttl.Ticks, longest);
            if (seen == longest)
            {
                return;
            }

            longest = seen;
        }
    }

    /// <summary>The move version a grant starts under; refused outright while the client moves to another primary.</summary>
    private int GrantableVersion(BidLockKey key, TimeSpan ttl)
    {
        NoteTtl(ttl);
        var version = _move.Version;
        return RedisPrimaryMove.IsMoving(version)
            ? throw new BidLockUnavailableException(
                Backend,
                $"The {Backend} lock on '{key.Value}' was not requested: a Sentinel fail-over is under way and the client is moving to the primary the Sentinels name; the body did not run.")
            : version;
    }

    /// <summary>
    /// A grant counts only if no move began while it was on its way: otherwise the old primary may have given it. It is
    /// then released on the primary the Sentinels named (compare-and-delete: only this holder's grant goes) and refused.
    /// </summary>
    private AcquireAttempt Granted(BidLockKey key, string holderId, int version, long fencingToken, LeaseExpiry expiry)
    {
        if (_move.Version != version)
        {
            _releaseRetry.Start(key, holderId, LongestTtl);
            throw new BidLockUnavailableException(
                Backend,
                $"The {Backend} lock on '{key.Value}' was granted while the Sentinels named a new primary, perhaps by the old one; it is being released on the new one and the body did not run.");
        }

        _recentReleases?.Forget(key, holderId);
        return AcquireAttempt.Success(fencingToken, expiry);
    }

    /// <summary>
    /// A renewal found the lock gone: after a move to a named primary (within the longest TTL, so the lease may have
    /// been granted on the old one), the lease may be an orphan the new primary never saw. It is set there again, where
    /// nothing else holds it, so that no other manager gets it while this holder's body runs; where another holder is
    /// there, the lease is lost, reported through the usual lost-lease path. The hold watch renews every held lease at
    /// the move, so this runs before the manager grants anything on the new primary that it may hold already.
    /// </summary>
    private async ValueTask<bool> ReassertOrphanAsync(BidLockKey key, string holderId, TimeSpan ttl)
    {
        var movedAt = Volatile.Read(ref _movedAt);
        if (movedAt == 0 || Stopwatch.GetElapsedTime(movedAt) > LongestTtl)
        {
            return false;
        }

        var version = _move.Version;
        // Set again on a server the client left meanwhile does not count.
        var reasserted = await Reassert.EvaluateAsync(_database, [key.Value], [holderId, Milliseconds(ttl)]).ConfigureAwait(false) == 1
            && _move.Version == version;
        if (reasserted)
        {
            RedisLog.OrphanReasserted(_logger, key.Value);
        }

        return reasserted;
    }

    /// <summary>The release <see cref="RedisReleaseRetry"/> sends again: to the named primary, after any move.</summary>
    private async ValueTask<bool> ResendReleaseAsync(BidLockKey key, string holderId, CancellationToken cancellationToken)
    {
        await _move.WhenSettled.WaitAsync(cancellationToken).ConfigureAwait(false);
        var version = _move.Version;
        var released = await ReleaseOnceAsync(key, holderId).ConfigureAwait(false);
        return _move.Version == version
            ? released
            : throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, "The primary moved while the release was on its way; sending it again.");
    }

    // Every hold is verified on the named primary, and every recent release is sent to it again: the old primary may
    // have answered it.
    private void OnPrimaryMoved()
    {
        foreach (var (key, holder) in _recentReleases?.TakeRecent(_move.BeganAt) ?? [])
        {
            _releaseRetry.Start(key, holder, LongestTtl);
        }

        _holdWatch.PrimaryMoved();
    }
}
