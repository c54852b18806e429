namespace BidLocks.Cli;

/// <summary>The exit codes of <c>bidlocks</c>, the same for every command (README, "The bidlocks tool").</summary>
internal static class ExitCodes
{
    /// <summary>Done: healthy, listed, shown (held), broken.</summary>
    public const int Success = 0;

    /// <summary><c>status</c>: the backend answers but is degraded (slow, or a fallback from Redis to SQLite).</summary>
    public const int Degraded = 1;

    /// <summary>The command line is wrong, or <c>release</c> was asked without <c>--force</c>.</summary>
    public const int Usage = 2;

    /// <summary><c>show</c>: the lock is free; <c>release</c>: nothing held it.</summary>
    public const int NotHeld = 3;

    /// <summary>The backend cannot be reached or used, is unhealthy, or the configuration cannot be met.</summary>
    public const int Unavailable = 4;

    /// <summary>Stopped by Ctrl+C before it finished (<c>watch</c> ends this way on purpose and returns <see cref="Success"/>).</summary>
    public const int Cancelled = 130;
}
