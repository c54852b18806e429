namespace BidLocks;

/// <summary>
/// Whether a lock file lies in a temp folder, which two instances of one service may not share: a different
/// <c>TMPDIR</c>, systemd's <c>PrivateTmp=</c> or a container's own <c>/tmp</c> each give a service its own folder under
/// the same name, and with it its own lock file. The start-up line that names the file then says so, as a warning.
/// </summary>
internal static class SqliteTempFolder
{
    /// <summary>The temp folder that holds <paramref name="path"/> (an absolute path), or null.</summary>
    public static string? Containing(string path)
    {
        var comparison = OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        string[] folders = [Path.GetTempPath(), Environment.GetEnvironmentVariable("TMPDIR") ?? string.Empty, "/tmp/", "/var/tmp/"];
        foreach (var folder in folders)
        {
            if (folder.Length > 0 && Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)) + Path.DirectorySeparatorChar is var prefix
                && path.StartsWith(prefix, comparison))
            {
                return prefix;
            }
        }

        return null;
    }
}
