namespace BidLocks;

/// <summary>
/// A lock in one SQLite file that every process of a host shares, with no server to run: the embedded default.
/// Waiters of all processes take turns in arrival order; a crashed holder blocks its posting for at most one TTL;
/// fencing tokens never go back, even after release, cleanup or a restart. When the file cannot be used (its folder is
/// missing, it is read-only or corrupt, or another writer holds it past <see cref="BidLockOptions.SqliteBusyTimeout"/>)
/// a call fails with <see cref="BidLockUnavailableException"/> naming the file, and the body does not run.
/// </summary>
/// <remarks>
/// The processes must be on one host: SQLite's write-ahead log needs shared memory, which network file systems do not
/// give. Several hosts need <see cref="RedisBidLockManager"/>.
/// </remarks>
public sealed class SqliteBidLockManager : BidLockManagerBase
{
    private readonly SqliteLockStore _store;

    /// <summary>
    /// Creates a manager on <paramref name="databasePath"/> (default: <see cref="BidLockOptions.SqlitePath"/>, else the
    /// <c>BIDLOCKS_SQLITE_PATH</c> environment variable, else <see cref="DefaultDatabasePath"/>). The file and its tables
    /// are created on first use; use <see cref="OpenAsync(string?, BidLockOptions?, CancellationToken)"/> to find a
    /// problem with the file at start instead.
    /// </summary>
    /// <exception cref="ArgumentException">The path is empty, a folder, or not a file path (such as <c>:memory:</c>).</exception>
    public SqliteBidLockManager(string? databasePath = null, BidLockOptions? options = null)
        : this(CreateStore(databasePath, options ??= new BidLockOptions(), Environment.GetEnvironmentVariable, watchChanges: true), options)
    {
    }

    /// <summary>
    /// Creates a manager on <see cref="BidLockOptions.SqlitePath"/> (else <c>BIDLOCKS_SQLITE_PATH</c>, else
    /// <see cref="DefaultDatabasePath"/>), as <see cref="InMemoryBidLockManager"/> takes its options.
    /// </summary>
    public SqliteBidLockManager(BidLockOptions options)
        : this((string?)null, options ?? throw new ArgumentNullException(nameof(options)))
    {
    }

    private SqliteBidLockManager(SqliteLockStore store, BidLockOptions options)
        : base(store, options)
    {
        _store = store;
    }

    /// <summary>One file in the system temp folder, so that every process of the host that configures nothing agrees.</summary>
    public static string DefaultDatabasePath => SqliteDatabasePath.Default;

    /// <summary>The absolute path of the database file.</summary>
    public string DatabasePath => _store.DatabasePath;

    /// <summary>
    /// Why this manager runs at all, when the factory made it because a named Redis was unreachable at start (only
    /// where the application opted in: <see cref="BidLockOptions.AllowSqliteFallback"/>); null when SQLite was chosen.
    /// While set, <see cref="BidLockManagerBase.CheckHealthAsync"/> reports at best Degraded, with this reason: the
    /// locks hold on this host only, which dashboards must show.
    /// </summary>
    public string? FallbackReason { get; internal set; }

    private protected override BidLockHealth DescribeHealth(BidLockHealth health)
        => FallbackReason is not { } reason
            ? health
            : health with
            {
                Status = health.Status == BidLockHealthStatus.Healthy ? BidLockHealthStatus.Degraded : health.Status,
                Description = $"{reason} {health.Description}",
            };

    /// <summary>
    /// Creates a manager as the constructor does, then opens the file and creates or checks its tables at once.
    /// </summary>
    /// <exception cref="BidLockUnavailableException">The file cannot be used; the message names it and says why.</exception>
    public static Task<SqliteBidLockManager> OpenAsync(string? databasePath = null, BidLockOptions? options = null, CancellationToken cancellationToken = default)
        => OpenAsync(databasePath, options ?? new BidLockOptions(), Environment.GetEnvironmentVariable, cancellationToken);

    internal static Task<SqliteBidLockManager> OpenAsync(string? databasePath, BidLockOptions options, Func<string, string?> environment, CancellationToken cancellationToken, bool watchChanges = true)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var manager = new SqliteBidLockManager(CreateStore(databasePath, options, environment, watchChanges), options);
        try
        {
            manager._store.Open();
        }
        catch
        {
            manager.Dispose();
            throw;
        }

        return Task.FromResult(manager);
    }

    private static SqliteLockStore CreateStore(string? databasePath, BidLockOptions options, Func<string, string?> environment, bool watchChanges)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return new SqliteLockStore(SqliteDatabasePath.Resolve(databasePath, options, environment), options, watchChanges);
    }
}
