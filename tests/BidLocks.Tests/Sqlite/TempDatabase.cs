namespace BidLocks.Tests.Sqlite;

/// <summary>A folder of its own under the system temp folder, with a database path in it; deleted afterwards.</summary>
public sealed class TempDatabase : IDisposable
{
    public TempDatabase()
    {
        Folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "bidlocks-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
        Path = System.IO.Path.Combine(Folder, "locks.sqlite3");
    }

    public string Folder { get; }

    public string Path { get; }

    /// <summary>Another file in the same folder (a ledger, a counter).</summary>
    public string File(string name) => System.IO.Path.Combine(Folder, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A child process may still be closing a file; the temp folder is cleaned by the system.
        }
        catch (UnauthorizedAccessException)
        {
            // Likewise for a folder a test made read-only and could not restore.
        }
    }
}
