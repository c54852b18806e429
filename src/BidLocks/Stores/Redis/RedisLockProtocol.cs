using System.Globalization;
using StackExchange.Redis;

namespace BidLocks;

/// <summary>
/// The Redis wire protocol of a lock in one place: what the lock value, the since record, the broken note and the
/// release message look like, what the scripts' reply codes mean and what the fence retention argument may say.
/// Every C# reader and writer of these goes through here; the Lua text in <see cref="RedisScripts"/> and
/// <see cref="RedisSetScripts"/> spells the same literals and points back at this type (see there for why the Lua is not
/// interpolated from these constants). Key names are <see cref="RedisKeyNames"/>'.
/// </summary>
internal static class RedisLockProtocol
{
    /// <summary>
    /// The lock value of a free lock reserved for the live head of its queue: only that waiter may take it.
    /// </summary>
    public const string Reservation = "~";

    /// <summary>The first character of a hold with waiters queued: <c>+expiresAtMs:holder</c>.</summary>
    public const char QueuedHoldMark = '+';

    /// <summary>Between the expiry and the holder in a <see cref="QueuedHoldMark"/> value.</summary>
    public const char QueuedHoldSeparator = ':';

    /// <summary>
    /// A script's reply when the plain first try did not settle it (the key exists: held or waiters queued) and the
    /// queued path must decide. The release script replies the same when the hold has waiters to hand over to.
    /// </summary>
    public const long TakeSlowPath = -1;

    /// <summary>A queued try's busy reply is <c>BusyBase - retryAfterMs</c>: always below <see cref="TakeSlowPath"/>.</summary>
    public const long BusyBase = -2;

    /// <summary>
    /// The fence retention argument (ARGV[4] of the queued and set acquires) that means "skip the fencing token":
    /// any other value is the fence key's retention in ms. A grant without a token replies 0 for it.
    /// </summary>
    public static readonly RedisValue SkipFencingTokenRetention = "0";

    /// <summary>Ends the sender part of a release message: <c>{sender}|{lock key}</c>.</summary>
    public const char ReleaseMessageSeparator = '|';

    /// <summary>The suffix of the release channel's name after the key prefix.</summary>
    public const string ReleaseChannelSuffix = "released";

    /// <summary>Between the broken holder and the note in a forced release's note: <c>holder\nnote</c>.</summary>
    public const char BrokenNoteSeparator = '\n';

    /// <summary>True when a holder id would read as a lock value's state mark rather than a holder.</summary>
    public static bool IsStateMark(char first) => first is QueuedHoldMark || first == Reservation[0];

    /// <summary>How long a queued try's busy reply (<paramref name="code"/> &lt; <see cref="TakeSlowPath"/>) says to wait.</summary>
    public static TimeSpan RetryAfter(long code) => TimeSpan.FromMilliseconds(BusyBase - code);

    /// <summary>The release channel for the locks under <paramref name="keyPrefix"/>.</summary>
    public static string ReleaseChannel(string keyPrefix) => keyPrefix + ReleaseChannelSuffix;

    /// <summary>The sender part of a release message, for a sender id that never contains the separator.</summary>
    public static string ReleaseSender(string senderId) => senderId + ReleaseMessageSeparator;

    /// <summary>The lock key a release message names; null when the message is not one.</summary>
    public static string? ReleasedKey(string message)
        => message.IndexOf(ReleaseMessageSeparator, StringComparison.Ordinal) is var separator and >= 0 ? message[(separator + 1)..] : null;

    /// <summary>
    /// The holder a lock value names (null for <see cref="Reservation"/>), and for a hold with waiters the server time in
    /// ms at which it ends (null when the key's own TTL is the hold's).
    /// </summary>
    public static (string? Holder, long? UntilMs) ParseValue(string value)
    {
        if (value == Reservation)
        {
            return (null, null);
        }

        if (value.StartsWith(QueuedHoldMark) && value.IndexOf(QueuedHoldSeparator, 1) is var colon and > 1
            && long.TryParse(value.AsSpan(1, colon - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var untilMs))
        {
            return (value[(colon + 1)..], untilMs);
        }

        return (value, null);
    }

    /// <summary>
    /// When <paramref name="holder"/> was handed the lock, if the since record is its own: <c>ms holder</c>, or
    /// <c>ms/attempt holder</c> for a holder-named lock (the attempt that granted it, see <see cref="RedisScripts.AcquireQueued"/>).
    /// </summary>
    public static DateTimeOffset? HeldSince(RedisValue record, string holder)
    {
        if (!record.HasValue)
        {
            return null;
        }

        var text = record.ToString();
        var space = text.IndexOf(' ', StringComparison.Ordinal);
        var time = space > 0 ? text.AsSpan(0, space) : default;
        if (time.IndexOf('/') is var slash and >= 0)
        {
            time = time[..slash];
        }

        return space > 0
               && text.AsSpan(space + 1).SequenceEqual(holder)
               && long.TryParse(time, NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds)
            ? DateTimeOffset.FromUnixTimeMilliseconds(milliseconds)
            : null;
    }

    /// <summary>The note a forced release left for <paramref name="holderId"/>; null when it left none for it.</summary>
    public static string? BrokenNoteFor(string? stored, string holderId)
        => stored is not null && stored.Length > holderId.Length && stored[holderId.Length] == BrokenNoteSeparator
           && stored.StartsWith(holderId, StringComparison.Ordinal)
            ? stored[(holderId.Length + 1)..]
            : null;

    /// <summary>
    /// The force-release script's reply: <c>{0}</c> when the lock was free (null), else <c>{1, value, last fence, new
    /// fence}</c>.
    /// </summary>
    public static BrokenHold? ParseForcedRelease(RedisResult result)
    {
        var parts = (RedisResult[])result!;
        return (long)parts[0] == 0
            ? null
            : new BrokenHold(ParseValue((string)parts[1]!).Holder, ParseFence((string?)parts[2]), ParseFence((string?)parts[3]));
    }

    /// <summary>A stored fence (digits only); 0 when there is none.</summary>
    public static long ParseFence(string? value)
        => long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : 0;
}
