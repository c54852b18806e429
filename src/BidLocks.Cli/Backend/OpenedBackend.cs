using System.Diagnostics;
using System.Globalization;

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
        var options = new BidLockOptions();
        var appSettings = settings.AppSettings is { } file ? AppSettingsFile.Read(file, settings.Section) : null;
        appSettings?.BindTo(options);
        options.LoggerFactory = log;
        // Holder ids of anything this process takes (nothing but a forced release's fence) say it was the tool.
        options.InstanceId = $"bidlocks-cli-{Environment.MachineName}-{Environment.ProcessId}";
        options.RedisConnectTimeout = TimeSpan.FromSeconds(settings.ConnectTimeoutSeconds);
        if (minReplicas is { } replicas)
        {
            options.MinReplicas = replicas;
        }

        var flags = new Dictionary<string, string>(StringComparer.Ordinal);
        if (settings.KeyPrefix is { } prefix)
        {
            options.KeyPrefix = prefix;
            flags[nameof(BidLockOptions.KeyPrefix)] = "--key-prefix";
        }

        string? named = null;
        if (settings.RedisUrl is { } url)
        {
            // Redis it is: the URL wins over any host or connection name the settings give, and nothing falls back.
            options.UseRedis = null;
            options.RedisUrl = url;
            options.AllowSqliteFallback = false;
            flags[nameof(BidLockOptions.RedisUrl)] = "--redis";
            flags[nameof(BidLockOptions.AllowSqliteFallback)] = "--redis";
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
            flags[nameof(BidLockOptions.UseRedis)] = "--sqlite";
            flags[nameof(BidLockOptions.SqlitePath)] = "--sqlite";
            named = "--sqlite names SQLite at";
        }

        // Messages name what the operator gave (a flag, a key of the settings file), not an option of the tool's code.
        options.SourceNames = option => flags.TryGetValue(option, out var flag) ? flag : appSettings?.SourceOf(option);
        var host = appSettings is null ? null : new BidLockHostContext(null, _ => null, () => null, appSettings.ConnectionString, appSettings.Warnings);
        var started = Stopwatch.GetTimestamp();
        IBidLockManager manager;
        try
        {
            manager = (await BidLockManagerFactory.StartAsync(options, Environment.GetEnvironmentVariable, host, cancellationToken).ConfigureAwait(false)).Manager;
        }
        catch (BidLockUnavailableException exception)
        {
            var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
            throw new BidLockUnavailableException(exception.Backend, $"{exception.Message} (gave up after {elapsed} s; --connect-timeout sets the limit)", exception);
        }

        var choice = manager.BackendChoice ?? throw new InvalidOperationException("The factory made a manager without saying why.");
        return new OpenedBackend(manager, named is null ? choice.Reason : $"{named} {choice.Location}", choice.FallbackReason, log);
    }

    public ValueTask DisposeAsync() => Manager.DisposeAsync();
}
