namespace BidLocks;

/// <summary>Reads a Redis lock's value (see <see cref="RedisScripts"/>): <c>holder</c>, <c>+expiresAtMs:holder</c> or <c>~</c>.</summary>
internal static class RedisLockValue
{
    /// <summary>
    /// The holder the value names (null for <c>~</c>, a reservation for the next waiter), and for a hold with waiters
    /// the server time in ms at which it ends (null when the key's own TTL is the hold's).
    /// </summary>
    public static (string? Holder, long? UntilMs) Parse(string value)
    {
        if (value == "~")
        {
            return (null, null);
        }

        if (value.StartsWith('+') && value.IndexOf(':', 1) is var colon and > 1
            && long.TryParse(value.AsSpan(1, colon - 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var untilMs))
        {
            return (value[(colon + 1)..], untilMs);
        }

        return (value, null);
    }
}
