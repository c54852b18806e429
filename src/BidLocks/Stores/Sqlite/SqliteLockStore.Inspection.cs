using Microsoft.Data.Sqlite;

namespace BidLocks;

/// <summary>
/// Inspection of the SQLite lock: plain reads (no write lock, so they never slow a lock step), and the operator's
/// forced release in one write transaction. A hold's start is its fence's clock part: every fence is
/// max(last + 1, the clock in µs) read inside the acquire's transaction, so no column needs adding for it.
/// </summary>
internal sealed partial class SqliteLockStore : ILockInspection
{
    private const string HeldColumns = """
        SELECT h.key, h.holder, h.fence, h.expires_at,
               (SELECT count(*) FROM bidlock_waiters w WHERE w.key = h.key AND w.deadline > $now)
        FROM bidlock_holds h
        """;

    public ValueTask<BidLockInfo?> InspectAsync(BidLockKey key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var now = _time.GetUtcNow();
        var held = Read("inspect", (Key: key.Value, Now: now), static (session, state) =>
            Query(session, HeldColumns + " WHERE h.key = $key AND h.expires_at > $now", state.Now, ("$key", state.Key)));
        return new(held.Count == 0 ? null : held[0] with { MarketplaceId = key.MarketplaceId, PostingId = key.PostingId });
    }

    public ValueTask<IReadOnlyList<BidLockInfo>> ListHeldAsync(string keyPrefix, string? marketplaceId, int limit, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var start = BidLockKeyDecoder.KeyStart(keyPrefix, marketplaceId);
        var state = (Start: start, Prefix: keyPrefix, Limit: limit, Now: _time.GetUtcNow());
        // Fence order is held-since order (the fence is the start's clock in µs), so the database ranks and cuts.
        var held = Read("list", state, static (session, state) => Query(
            session,
            HeldColumns + " WHERE h.expires_at > $now AND substr(h.key, 1, $length) = $start ORDER BY h.fence, h.key LIMIT $limit",
            state.Now,
            ("$start", state.Start),
            ("$length", state.Start.Length),
            ("$limit", state.Limit)));
        var ranking = new HeldLockRanking(limit);
        foreach (var info in held)
        {
            if (BidLockKeyDecoder.TryDecode(keyPrefix, info.Key, out var marketplace, out var posting))
            {
                ranking.Add(info with { MarketplaceId = marketplace, PostingId = posting });
            }
        }

        return new(ranking.Result());
    }

    public ValueTask<BrokenHold?> ForceReleaseAsync(BidLockKey key, string note, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var broken = Write("forced release", (Key: key.Value, Time: _time, Note: note), static (session, state) =>
        {
            var now = state.Time.GetUtcNow();
            if (session.SelectHold(state.Key) is not { } hold || hold.ExpiresAt <= UnixMilliseconds(now))
            {
                return (BrokenHold?)null;
            }

            session.DeleteHold(state.Key, hold.Holder);
            LeaveNote(session, state.Key, hold.Holder, state.Note, hold.ExpiresAt + (long)ForcedReleaseNote.Margin.TotalMilliseconds, UnixMilliseconds(now));
            var fence = session.NextFence(state.Key, UnixMicroseconds(now));
            return new BrokenHold(hold.Holder, hold.Fence, fence);
        });
        if (broken is not null)
        {
            // After the commit, so that a waiter woken by it sees the lock free.
            _releaseSignal.Signal();
        }

        return new(broken);
    }

    public ValueTask<string?> ReadForcedReleaseAsync(BidLockKey key, string holderId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var state = (Key: key.Value, Holder: holderId, Now: UnixMilliseconds(_time.GetUtcNow()));
        return new(Read("forced release note", state, static (session, state) =>
        {
            using var command = session.Connection.CreateCommand();
            command.CommandText = "SELECT note FROM bidlock_breaks WHERE key = $key AND holder = $holder AND expires_at > $now";
            command.Parameters.AddWithValue("$key", state.Key);
            command.Parameters.AddWithValue("$holder", state.Holder);
            command.Parameters.AddWithValue("$now", state.Now);
            return command.ExecuteScalar() as string;
        }));
    }

    // One row per lock, the last break's; lapsed rows go with each new break (forced releases are rare).
    private static void LeaveNote(SqliteSession session, string key, string holder, string note, long expiresAt, long now)
    {
        using var command = session.Connection.CreateCommand();
        command.CommandText = """
            DELETE FROM bidlock_breaks WHERE expires_at <= $now;
            INSERT OR REPLACE INTO bidlock_breaks (key, holder, note, expires_at) VALUES ($key, $holder, $note, $expires);
            """;
        command.Parameters.AddWithValue("$now", now);
        command.Parameters.AddWithValue("$key", key);
        command.Parameters.AddWithValue("$holder", holder);
        command.Parameters.AddWithValue("$note", note);
        command.Parameters.AddWithValue("$expires", expiresAt);
        command.ExecuteNonQuery();
    }

    private static List<BidLockInfo> Query(SqliteSession session, string sql, DateTimeOffset now, params (string Name, object Value)[] parameters)
    {
        using var command = session.Connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$now", UnixMilliseconds(now));
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var held = new List<BidLockInfo>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            held.Add(Describe(reader, now));
        }

        return held;
    }

    // A fence past the year 9999 (a clock gone wild) has no time to show.
    private static DateTimeOffset? FenceTime(long fence)
        => fence > 0 && fence < (DateTimeOffset.MaxValue.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10
            ? DateTimeOffset.UnixEpoch.AddTicks(fence * 10)
            : null;

    private static BidLockInfo Describe(SqliteDataReader row, DateTimeOffset now)
    {
        var holder = row.GetString(1);
        var fence = row.GetInt64(2);
        var instance = HolderIds.TryParse(holder, out var parsed, out _) ? parsed : null;
        return new BidLockInfo(
            MarketplaceId: string.Empty,
            PostingId: string.Empty,
            Key: row.GetString(0),
            HolderId: holder,
            InstanceId: instance,
            HeldSince: FenceTime(fence),
            ExpiresAt: DateTimeOffset.FromUnixTimeMilliseconds(row.GetInt64(3)),
            FencingToken: fence,
            Waiters: (int)row.GetInt64(4),
            ReadAt: now);
    }
}
