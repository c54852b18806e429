using BidLocks;

namespace BidLocks.TestHost;

/// <summary>
/// The lock manager a child process uses: Redis when <c>--redis-url</c> is given (a <c>redis+sentinel://</c> URL too), else
/// SQLite on <c>--db</c>. One place, so the hold and soak modes run the same code against either backend. With Redis,
/// <c>--min-replicas N</c> sets <see cref="BidLockOptions.MinReplicas"/>; <c>--ttl-ms T</c> sets
/// <see cref="BidLockOptions.DefaultTtl"/>.
/// </summary>
internal static class ManagerFromArguments
{
    /// <param name="arguments">The command line.</param>
    /// <param name="logs">Where the manager logs, if anywhere.</param>
    public static async Task<IBidLockManager> OpenAsync(Arguments arguments, Microsoft.Extensions.Logging.ILoggerProvider? logs = null)
    {
        var options = new BidLockOptions();
        if (logs is not null)
        {
            options.LoggerFactory = new Microsoft.Extensions.Logging.LoggerFactory([logs]);
        }

        if (arguments.Optional("min-replicas") is { } replicas)
        {
            options.MinReplicas = int.Parse(replicas, System.Globalization.CultureInfo.InvariantCulture);
        }

        if (arguments.Optional("ttl-ms") is { } ttl)
        {
            options.DefaultTtl = TimeSpan.FromMilliseconds(int.Parse(ttl, System.Globalization.CultureInfo.InvariantCulture));
        }

        if (arguments.Optional("redis-url") is { } url)
        {
            options.RedisUrl = url;
            // The tests start every Garnet they use with --lua --lua-transaction-mode.
            options.GarnetLuaTransactionMode = true;
            return await RedisBidLockManager.ConnectAsync(options);
        }

        return await SqliteBidLockManager.OpenAsync(arguments.Text("db"), options);
    }
}
