using System.ComponentModel;
using BidLocks.Cli.Backend;
using Spectre.Console;
using Spectre.Console.Cli;

namespace BidLocks.Cli.Commands;

/// <summary>What <c>list</c> and <c>watch</c> show: one marketplace or all, the longest-held N.</summary>
internal class ListSettings : BackendSettings
{
    [CommandOption("-m|--marketplace <ID>")]
    [Description("Only this marketplace's locks.")]
    public string? Marketplace { get; init; }

    [CommandOption("-n|--top <N>")]
    [Description("At most N locks, the longest-held. Default: 20")]
    [DefaultValue(20)]
    public int Top { get; init; } = 20;

    public override ValidationResult Validate()
        => Top < 1 ? ValidationResult.Error("--top must be 1 or more.") : base.Validate();
}
