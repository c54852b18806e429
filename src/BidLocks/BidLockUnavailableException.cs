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
}
