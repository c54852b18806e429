using Microsoft.Extensions.Logging;

namespace BidLocks.Cli.Backend;

/// <summary>
/// The lock manager the tool inspects through, opened by the same rules as an application's
/// (<see cref="BidLockManagerFactory.CreateAsync(BidLockOptions?, CancellationToken)"/> and its environment variables),
/// or on the Redis or SQLite file the command line names. Never prints a password.
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

    /// <summary>The factory's warning when a named Redis was unreachable and it fell back to SQLite.</summary>
    public string? Warning { get; }

    public ToolLog Log { get; }

    public static async Task<OpenedBackend> OpenAsync(BackendSettings settings, CancellationToken cancellationToken)
    {
        var log = new ToolLog(Console.Error);
        var options = new BidLockOptions
        {
            LoggerFactory = log,
            // Holder ids of anything this process takes (nothing but a forced release's fence) say it was the tool.
            InstanceId = $"bidlocks-cli-{Environment.MachineName}-{Environment.ProcessId}",
        };
        if (settings.KeyPrefix is { } prefix)
        {
            options.KeyPrefix = prefix;
        }

        if (settings.RedisUrl is { } url)
        {
            options.RedisUrl = url;
            var redis = await RedisBidLockManager.ConnectAsync(options, cancellationToken).ConfigureAwait(false);
            return new OpenedBackend(redis, $"--redis names Redis at {RedisUrlText.Redact(url)}", null, log);
        }

        if (settings.SqlitePath is { } path)
        {
            // An operator's typo must not leave an empty lock file behind that looks like a quiet system.
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"There is no SQLite lock file at {Path.GetFullPath(path)}.", path);
            }

            var sqlite = await SqliteBidLockManager.OpenAsync(path, options, cancellationToken).ConfigureAwait(false);
            return new OpenedBackend(sqlite, $"--sqlite names SQLite at {sqlite.DatabasePath}", null, log);
        }

        var manager = await BidLockManagerFactory.CreateAsync(options, cancellationToken).ConfigureAwait(false);
        return new OpenedBackend(manager, log.Reason ?? $"the factory chose {manager.Backend}", log.Warning, log);
    }

    public ValueTask DisposeAsync() => Manager.DisposeAsync();
}
