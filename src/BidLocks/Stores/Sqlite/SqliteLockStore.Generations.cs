namespace BidLocks;

/// <summary>
/// Generations of the lock file. Deleting or replacing the file while processes run leaves them on the old inode while
/// every process started later creates a new file at the path: two lock groups granting the same locks, silently. So
/// before a grant or renewal is committed and trusted, the store checks that the path still names the file it has open
/// (<see cref="SqliteFileCheck"/>). When it does not, the generation ends: the grant is refused, every lease of this
/// manager is lost (its <c>LostToken</c> fires), the error is logged, and the next call opens the path afresh, joining
/// whichever file the processes started since have created.
/// </summary>
/// <remarks>
/// A lock still held in the old file (a body that has not seen its <c>LostToken</c> yet, in this process or another of
/// the old group) is not granted again by the new generation of this process until that hold is released here or its
/// old expiry passes: the new file knows nothing of it. A process started after the deletion cannot know of it either;
/// the fence keeps rising across the files (its floor is the clock), so a fenced resource still refuses the older holder.
/// </remarks>
internal sealed partial class SqliteLockStore
{
    private readonly object _generationGate = new();
    private int _generation = 1;

    // Holds of an ended generation still in force, by key: the holder and its old expiry (Unix ms). Null when none, so
    // that an acquire pays one field read for it.
    private volatile Dictionary<string, (string Holder, long ExpiresAt)>? _retiredHolds;

    /// <summary>
    /// Ends the generation of <paramref name="ended"/>, whose file the path no longer names, once however many steps
    /// find out together; returns the exception for the step that found it.
    /// </summary>
    private BidLockUnavailableException EndGeneration(SqliteSessionPool ended, string operation)
    {
        var now = UnixMilliseconds(_time.GetUtcNow());
        lock (_generationGate)
        {
            if (Volatile.Read(ref _pool) == ended)
            {
                // Every process of the old group wrote its holds here: none of those locks may be granted again by this
                // process until they end, since the new file does not know them.
                var holds = ended.LiveHolds(now);
                var retired = _retiredHolds is { } earlier ? new Dictionary<string, (string, long)>(earlier, StringComparer.Ordinal) : new Dictionary<string, (string, long)>(StringComparer.Ordinal);
                foreach (var (key, holder, expiresAt) in holds)
                {
                    retired[key] = (holder, expiresAt);
                }

                _retiredHolds = retired.Count > 0 ? retired : null;
                Volatile.Write(ref _pool, new SqliteSessionPool(_path, _busyTimeout));
                SqliteLog.GenerationEnded(_logger, _path, _generation, _generation + 1, holds.Count);
                _generation++;
                ended.Dispose();
                _onGenerationEnded?.Invoke($"the SQLite lock database {_path} was deleted or replaced while it was held");
            }
        }

        return new BidLockUnavailableException(
            BackendName,
            $"The SQLite lock database '{_path}' failed during {operation}: the path no longer names the file this process had open "
                + "(it was deleted, moved or replaced), so a lock granted there would exclude nobody who started since. Refused; every lease "
                + "of the old file is lost, and the next call opens the path again. Keep the lock file where every instance finds it, and "
                + "never delete it while they run.");
    }

    /// <summary>How long a hold of an ended generation still keeps <paramref name="key"/> from a new grant; null when none does.</summary>
    private long? RetiredHoldLeft(string key, string holderId)
    {
        lock (_generationGate)
        {
            if (_retiredHolds is not { } retired || !retired.TryGetValue(key, out var hold))
            {
                return null;
            }

            var left = hold.ExpiresAt - UnixMilliseconds(_time.GetUtcNow());
            if (left > 0 && hold.Holder != holderId)
            {
                return left;
            }

            ForgetRetiredHold(key, hold.Holder);
            return null;
        }
    }

    /// <summary>The hold ended (released here, or expired): the key may be granted again.</summary>
    private void ForgetRetiredHold(string key, string holderId)
    {
        lock (_generationGate)
        {
            if (_retiredHolds is { } retired && retired.TryGetValue(key, out var hold) && hold.Holder == holderId)
            {
                var rest = new Dictionary<string, (string, long)>(retired, StringComparer.Ordinal);
                rest.Remove(key);
                _retiredHolds = rest.Count > 0 ? rest : null;
            }
        }
    }
}
