using StackExchange.Redis;

namespace BidLocks;

/// <summary>
/// The least a Redis user needs for BidLocks (the README's "Redis ACL" section gives the same line), and the advice a
/// refused step carries: Redis names the refused command for a top-level call, but for a command inside a script it
/// says only that the user "can't run this command", which leaves an operator guessing.
/// </summary>
internal static class RedisAcl
{
    /// <summary>
    /// The scripts' commands (Redis checks each against the user), EVALSHA/EVAL to run them, PUBLISH/SUBSCRIBE for
    /// release notifications, PING for health and ECHO, which StackExchange.Redis sends to check a new connection;
    /// SCAN and HVALS (with GET and PTTL) for inspection.
    /// </summary>
    private static readonly string[] Commands =
    [
        "evalsha", "eval", "echo", "ping", "subscribe", "unsubscribe", "publish",
        "get", "set", "del", "exists", "pexpire", "pttl", "time", "zadd", "zrange", "zrem", "hset", "hget", "hdel",

        // Inspection (InspectAsync, ListHeldAsync, the bidlocks tool): read-only commands, sent as themselves.
        "scan", "hvals",
    ];

    /// <summary>The ACL rules for keys under <paramref name="keyPrefix"/>, as <c>ACL SETUSER</c> takes them.</summary>
    public static string Rules(string keyPrefix) => $"~{keyPrefix}* &{RedisLockProtocol.ReleaseChannel(keyPrefix)} -@all " + string.Join(' ', Commands.Select(command => "+" + command));

    /// <summary>
    /// Inspection alone, for an operator's read-only user (the bidlocks tool's list, show, watch and status): the keys
    /// may be read, never written; TIME reads the server's clock, against which a hold's end is measured. EVAL is there for the check at connect that the server runs scripts at all; Redis
    /// checks every command a script runs against the user, so under this user a script can only read too.
    /// </summary>
    private static readonly string[] InspectionCommands = ["echo", "ping", "eval", "scan", "get", "pttl", "hvals", "time"];

    /// <summary>The read-only ACL rules for inspecting the locks under <paramref name="keyPrefix"/>.</summary>
    public static string InspectionRules(string keyPrefix) => $"~{keyPrefix}* -@all " + string.Join(' ', InspectionCommands.Select(command => "+" + command));

    /// <summary>Advice for a refused permission; null for any other failure.</summary>
    public static string? Explain(Exception exception, string keyPrefix)
        => exception is RedisServerException server
           && (server.Message.StartsWith("NOPERM", StringComparison.Ordinal) || server.Message.Contains("The user executing the script can't", StringComparison.Ordinal))
            ? $"The Redis user lacks a permission BidLocks needs; give it these ACL rules: {Rules(keyPrefix)}"
            : null;
}
