namespace BidLocks.Cli.Backend;

/// <summary>
/// The lock manager the tool inspects through, opened by <see cref="BidLockManagerFactory.CreateAsync(BidLockOptions?, CancellationToken)"/>
/// as an application's would: by the environment's rules, or on the Redis or SQLite file the command line names (an
/// explicit choice, as <c>USE_REDIS_LOCKS</c> is). Why it was chosen comes from the manager's
/// <see cref="IBidLockManager.BackendChoice"/>, whose Redis URL shows no password.
/// </summary>
internal sealed class OpenedBackend : IAsyncDisposable
{
    private OpenedBackend(IBidLockManager manager, string reason, string? warning, ToolLog log)
    {
        Manager = manager;
        Reason = reason;
        Warning = warning;
        Log = log;
    }

    public IBidLockManager Manager { get; }

    /// <summary>Why this backend: the factory's own reason, or the option that named it.</summary>
    public string Reason { get; }

    /// <summary>Why a named Redis was replaced by SQLite at start, when the environment opted in to that.</summary>
    public string? Warning { get; }

    public ToolLog Log { get; }

    /// <param name="settings">The command's options.</param>
    /// <param name="cancellationToken">Cancels the open.</param>
    /// <param name="minReplicas">Replicas to check for (<c>status --min-replicas</c>); null leaves it to the environment.</param>
    public static async Task<OpenedBackend> OpenAsync(BackendSettings settings, CancellationToken cancellationToken, int? minReplicas = null)
    {
        var log = new ToolLog(Console.Error);
        var options = new BidLockOptions
        {
            LoggerFactory = log,
            // Holder ids of anything this process takes (nothing but a forced release's fence) say it was the tool.
            InstanceId = $"bidlocks-cli-{Environment.MachineName}-{Environment.ProcessId}",
        };
        if (minReplicas is { } replicas)
        {
            options.MinReplicas = replicas;
        }

        if (settings.KeyPrefix is { } prefix)
        {
            options.KeyPrefix = prefix;
        }

        string? named = null;
        if (settings.RedisUrl is { } url)
        {
            options.UseRedis = true;
            options.RedisUrl = url;
            named = "--redis names Redis at";
        }
        else if (settings.SqlitePath is { } path)
        {
            // An operator's typo must not leave an empty lock file behind that looks like a quiet system.
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"There is no SQLite lock file at {Path.GetFullPath(path)}.", path);
            }

            options.UseRedis = false;
            options.SqlitePath = path;
            named = "--sqlite names SQLite at";
        }

        var manager = await BidLockManagerFactory.CreateAsync(options, cancellationToken).ConfigureAwait(false);
        var choice = manager.BackendChoice ?? throw new InvalidOperationException("The factory made a manager without saying why.");
        return new OpenedBackend(manager, named is null ? choice.Reason : $"{named} {choice.Location}", choice.FallbackReason, log);
    }

    public ValueTask DisposeAsync() => Manager.DisposeAsync();
}
