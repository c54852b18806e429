using System.Globalization;
using StackExchange.Redis;

namespace BidLocks;

/// <summary>
/// Adds the replicas to a healthy Redis health report when <see cref="BidLockOptions.MinReplicas"/> is above 0: fewer
/// replicas answering than it requires means every grant will fail, so the backend is Unhealthy (not Degraded, which
/// says that locking still works): an operator, and a load balancer's probe, should see it before the bids do.
/// </summary>
internal static class RedisReplicaHealth
{
    /// <summary>
    /// A replica counts when it is online and acknowledged within this many seconds (INFO's <c>lag</c>; replicas
    /// acknowledge every second, so a live one shows 0 or 1).
    /// </summary>
    private const int AnsweringLagSeconds = 2;

    public static async Task<BidLockHealth> DescribeAsync(BidLockHealth health, IDatabase database, RedisReplicationSettings settings, CancellationToken cancellationToken)
    {
        if (health.Status != BidLockHealthStatus.Healthy)
        {
            return health;
        }

        int answering;
        try
        {
            // Through a script, as the server check reads INFO: the client sends INFO itself only in admin mode.
            var info = (string?)await database.ScriptEvaluateAsync("return redis.call('INFO', 'replication')").WaitAsync(cancellationToken).ConfigureAwait(false);
            answering = CountAnswering(info ?? string.Empty);
        }
        catch (RedisServerException)
        {
            // A user without INFO: the grants themselves will say how many replicas answered.
            return health;
        }

        var replicas = string.Create(CultureInfo.InvariantCulture, $"{answering} replica(s) answering, MinReplicas {settings.MinReplicas}");
        return answering >= settings.MinReplicas
            ? health with { Description = $"{health.Description} {replicas}." }
            : health with
            {
                Status = BidLockHealthStatus.Unhealthy,
                Description = $"{health.Description} Only {replicas}: every grant fails until enough replicas acknowledge again.",
            };
    }

    /// <summary>Replicas of <c>INFO replication</c> (<c>slave0:ip=…,port=…,state=online,offset=…,lag=0</c>) that answer.</summary>
    internal static int CountAnswering(string info)
    {
        var count = 0;
        foreach (var line in info.Split('\n'))
        {
            // slave0:…, slave1:…; not slave_repl_offset and the like, which a replica reports of itself.
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (!line.StartsWith("slave", StringComparison.Ordinal) || colon <= 5 || line.AsSpan(5, colon - 5).ContainsAnyExceptInRange('0', '9'))
            {
                continue;
            }

            var fields = line[(colon + 1)..].TrimEnd('\r').Split(',')
                .Select(field => field.Split('=', 2))
                .Where(pair => pair.Length == 2)
                .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);
            if (fields.GetValueOrDefault("state") == "online"
                && int.TryParse(fields.GetValueOrDefault("lag"), NumberStyles.None, CultureInfo.InvariantCulture, out var lag)
                && lag <= AnsweringLagSeconds)
            {
                count++;
            }
        }

        return count;
    }
}
