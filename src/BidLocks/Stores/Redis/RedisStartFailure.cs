namespace BidLocks;

/// <summary>Why a named Redis could not be used at start: only <see cref="Unreachable"/> may ever fall back.</summary>
internal enum RedisStartFailure
{
    /// <summary>The server did not answer in time: it may be down or still starting.</summary>
    Unreachable,

    /// <summary>
    /// The settings are wrong: a wrong password or user, a host name that does not exist, an untrusted certificate or
    /// an unreadable CA file. Another try would fail the same way, and falling back would hide it.
    /// </summary>
    Misconfigured,

    /// <summary>The server answered, and BidLocks refuses it (too old, no Lua, Garnet unconfirmed, no WAIT).</summary>
    Refused,
}
