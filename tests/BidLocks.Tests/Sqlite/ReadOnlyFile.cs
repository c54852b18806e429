using System.Diagnostics;
using System.Runtime.Versioning;

namespace BidLocks.Tests.Sqlite;

/// <summary>
/// Makes a database file and its folder read-only for this process, and undoes it on dispose. File modes are enough for
/// an ordinary user; root ignores them, so for root the file is also made immutable (<c>chattr +i</c>), which the
/// kernel enforces on everyone.
/// </summary>
[UnsupportedOSPlatform("windows")]
internal sealed class ReadOnlyFile : IDisposable
{
    private readonly string _path;
    private readonly UnixFileMode _fileMode;
    private readonly UnixFileMode _folderMode;
    private bool _immutable;
    private bool _disposed;

    private ReadOnlyFile(string path)
    {
        _path = path;
        _fileMode = File.GetUnixFileMode(path);
        _folderMode = File.GetUnixFileMode(Path.GetDirectoryName(path)!);
    }

    public static ReadOnlyFile Make(string path)
    {
        var made = new ReadOnlyFile(path);
        File.SetUnixFileMode(path, UnixFileMode.UserRead);
        File.SetUnixFileMode(Path.GetDirectoryName(path)!, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        if (Environment.UserName == "root" || CanWrite(path))
        {
            Chattr("+i", path);
            made._immutable = true;
            Assert.False(CanWrite(path), "the file is still writable");
        }

        return made;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_immutable)
        {
            Chattr("-i", _path);
        }

        File.SetUnixFileMode(Path.GetDirectoryName(_path)!, _folderMode);
        File.SetUnixFileMode(_path, _fileMode);
    }

    private static bool CanWrite(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static void Chattr(string flag, string path)
    {
        using var chattr = Process.Start(new ProcessStartInfo("chattr") { ArgumentList = { flag, path }, RedirectStandardError = true }) ?? throw new InvalidOperationException("chattr did not start");
        chattr.WaitForExit();
        Assert.True(chattr.ExitCode == 0, $"chattr {flag} {path} failed: {chattr.StandardError.ReadToEnd()}");
    }
}
