namespace BidLocks;

/// <summary>
/// The lock backend could not be used (down, unreachable, refused, corrupt). The lock was not taken and the
/// protected body did not run: BidLocks never falls back to a weaker lock after start.
/// </summary>
public sealed class BidLockUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public BidLockUnavailableException(string backend, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Backend = backend;
    }

    /// <summary>The backend that failed.</summary>
    public string Backend { get; }

    /// <summary>
    /// For a Redis that could not be had at start: whether it did not answer (the only case the opt-in fallback to
    /// SQLite may cover), was misconfigured, or was refused.
    /// </summary>
    internal RedisStartFailure StartFailure { get; init; }

    /// <summary>
    /// Set when this exception stops a host's start: the host logs it, and <c>host.Run()</c> prints it again as an
    /// unhandled exception. Each then shows one line, the message (which names the backend, what failed and what to
    /// do); the stack trace is logged at Debug instead (<see cref="BidLockStartupService"/>).
    /// </summary>
    internal bool StoppedStart { get; set; }

    /// <inheritdoc />
    public override string ToString() => StoppedStart ? $"{GetType().FullName}: {Message}" : base.ToString();
}
