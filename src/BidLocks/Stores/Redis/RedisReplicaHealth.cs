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

    /// <summary>
    /// A <c>WAIT</c> this recent stands for the replicas: reading them again would queue behind the <c>WAIT</c>s of the
    /// grants (the lock connection carries both), seconds when a replica is slow.
    /// </summary>
    private static readonly TimeSpan RecentWait = TimeSpan.FromSeconds(10);

    /// <param name="health">The primary's health, from the store.</param>
    /// <param name="database">The lock connection's database, for <c>INFO replication</c> when no grant waited lately.</param>
    /// <param name="wait">The grants' <c>WAIT</c>s: the last one's count is what the replicas last said.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    public static async Task<BidLockHealth> DescribeAsync(BidLockHealth health, IDatabase database, RedisReplicaWait wait, CancellationToken cancellationToken)
    {
        if (health.Status != BidLockHealthStatus.Healthy)
        {
            return health;
        }

        int answering;
        string source;
        if (wait.Last is { } last && System.Diagnostics.Stopwatch.GetElapsedTime(last.At) is var age && age < RecentWait)
        {
            answering = last.Acknowledged;
            source = string.Create(CultureInfo.InvariantCulture, $"the last grant's WAIT, {age.TotalMilliseconds:F0} ms ago");
        }
        else
        {
            try
            {
                // Through a script, as the server check reads INFO: the client sends INFO itself only in admin mode. No
                // grant waited lately, so nothing should block it; bounded all the same.
                var info = (string?)await database.ScriptEvaluateAsync("return redis.call('INFO', 'replication')")
                    .WaitAsync(RedisLockStore.HealthPingTimeout, cancellationToken).ConfigureAwait(false);
                answering = CountAnswering(info ?? string.Empty);
                source = "INFO replication";
            }
            catch (RedisServerException)
            {
                // A user without INFO: the grants themselves will say how many replicas answered.
                return health;
            }
            catch (TimeoutException)
            {
                return health with
                {
                    Status = BidLockHealthStatus.Degraded,
                    Description = $"{health.Description} The replicas could not be read within {RedisLockStore.HealthPingTimeout.TotalMilliseconds:F0} ms.",
                };
            }
        }

        var replicas = string.Create(CultureInfo.InvariantCulture, $"{answering} replica(s) answering, MinReplicas {wait.Settings.MinReplicas}");
        return answering >= wait.Settings.MinReplicas
            ? health with { Description = $"{health.Description} {replicas} ({source})." }
            : health with
            {
                Status = BidLockHealthStatus.Unhealthy,
                Description = $"{health.Description} Only {replicas} ({source}): every grant fails until enough replicas acknowledge again.",
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
