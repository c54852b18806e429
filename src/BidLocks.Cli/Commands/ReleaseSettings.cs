using System.ComponentModel;
using Spectre.Console.Cli;

namespace BidLocks.Cli.Commands;

/// <summary><c>release</c>: one lock, and the explicit <c>--force</c> it takes to break it.</summary>
internal sealed class ReleaseSettings : LockSettings
{
    [CommandOption("--force")]
    [Description("Break the lock whoever holds it. Required: the holder may still be working.")]
    public bool Force { get; init; }

    [CommandOption("--reason <TEXT>")]
    [Description("Why, for the log line that records who broke it.")]
    public string? Reason { get; init; }
}
