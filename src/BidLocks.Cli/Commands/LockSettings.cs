using System.ComponentModel;
using BidLocks.Cli.Backend;
using Spectre.Console.Cli;

namespace BidLocks.Cli.Commands;

/// <summary>One lock: its marketplace and posting, as the application names them.</summary>
internal class LockSettings : BackendSettings
{
    [CommandArgument(0, "<MARKETPLACE>")]
    [Description("The marketplace id.")]
    public string Marketplace { get; init; } = string.Empty;

    [CommandArgument(1, "<POSTING>")]
    [Description("The posting id.")]
    public string Posting { get; init; } = string.Empty;
}
