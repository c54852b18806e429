using System.Globalization;

namespace BidLocks.Samples.Auction.Coordination;

/// <summary>
/// This run's own folder in the temp folder: the ledger, and the lock database unless the user named one. Separate
/// per run, so that two runs at once (or a run next to the test suite) never share state.
/// </summary>
internal sealed class RunFolder
{
    private RunFolder(string path)
    {
        Path = path;
    }

    public string Path { get; }

    /// <summary>A name for this run, also used as the marketplace id so that runs sharing a Redis never meet.</summary>
    public string RunId => System.IO.Path.GetFileName(Path);

    public string LedgerPath => LedgerPathIn(Path);

    public string LockDatabasePath => System.IO.Path.Combine(Path, "locks.sqlite3");

    public static string LedgerPathIn(string runDirectory) => System.IO.Path.Combine(runDirectory, "ledger.sqlite3");

    public static RunFolder Create()
    {
        var parent = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "bidlocks-auction");
        PruneStale(parent);
        var name = string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Environment.ProcessId}");
        var path = System.IO.Path.Combine(parent, name);
        Directory.CreateDirectory(path);
        return new RunFolder(path);
    }

    /// <summary>
    /// Removes folders of runs that ended a day or more ago without cleaning up (killed, or <c>--keep</c>), so that the
    /// temp folder does not fill up with them. A day, so that a kept folder stays long enough to be looked at.
    /// </summary>
    private static void PruneStale(string parent)
    {
        if (!Directory.Exists(parent))
        {
            return;
        }

        foreach (var folder in new DirectoryInfo(parent).EnumerateDirectories())
        {
            if (folder.LastWriteTimeUtc < DateTime.UtcNow.AddDays(-1))
            {
                try
                {
                    folder.Delete(recursive: true);
                }
                catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
                {
                    // Another user's, or in use: not ours to insist on.
                }
            }
        }
    }

    /// <summary>Removes the folder; best effort, since a leftover file in the temp folder harms nothing.</summary>
    public void Delete()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"note: could not delete {Path}: {exception.Message}");
        }
    }
}
