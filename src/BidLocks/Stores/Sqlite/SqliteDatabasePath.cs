namespace BidLocks;

/// <summary>Where the SQLite lock database lives: checks a path before any I/O and names the default.</summary>
internal static class SqliteDatabasePath
{
    /// <summary>The environment variable that names the database file.</summary>
    public const string EnvironmentVariable = "BIDLOCKS_SQLITE_PATH";

    /// <summary>
    /// One file in the system temp folder, so that every process of the host that sets nothing agrees on it.
    /// </summary>
    public static string Default { get; } = Path.Combine(Path.GetTempPath(), "bidlocks.sqlite3");

    /// <summary>
    /// The path in force: the caller's, else the options', else <c>BIDLOCKS_SQLITE_PATH</c>, else the default; always
    /// made absolute, so that processes started in different folders agree and messages show where the file is.
    /// </summary>
    public static string Resolve(string? path, BidLockOptions options, Func<string, string?> environment)
    {
        if (path is not null)
        {
            return Validate(path, "databasePath");
        }

        return ResolveNamed(options, environment) ?? Default;
    }

    /// <summary>The path the options or <c>BIDLOCKS_SQLITE_PATH</c> name, made absolute; null when neither names one.</summary>
    public static string? ResolveNamed(BidLockOptions options, Func<string, string?> environment)
    {
        if (options.SqlitePath is { } configured)
        {
            return Validate(configured, nameof(BidLockOptions.SqlitePath));
        }

        return environment(EnvironmentVariable) is { } fromEnvironment && !string.IsNullOrWhiteSpace(fromEnvironment)
            ? Validate(fromEnvironment.Trim(), EnvironmentVariable)
            : null;
    }

    /// <summary>Returns the absolute path, or throws <see cref="ArgumentException"/> naming <paramref name="name"/>.</summary>
    public static string Validate(string path, string name)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ArgumentException("The SQLite database path must not be empty.", name);
        }

        // An in-memory or URI database would be private to one connection, or hide its real file: no lock at all.
        if (path.Trim() == ":memory:" || path.StartsWith("file:", StringComparison.OrdinalIgnoreCase) || path.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{path}' is not a file path; the SQLite lock needs a file that every process can open.", name);
        }

        if (path.EndsWith(Path.DirectorySeparatorChar) || path.EndsWith(Path.AltDirectorySeparatorChar))
        {
            throw new ArgumentException($"'{path}' names a folder; the SQLite lock needs a file path.", name);
        }

        return Path.GetFullPath(path);
    }
}
