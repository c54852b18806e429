using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace BidLocks.Cli.Commands;

/// <summary><c>watch</c>: <c>list</c>, refreshed.</summary>
internal sealed class WatchSettings : ListSettings
{
    [CommandOption("--interval <SECONDS>")]
    [Description("Seconds between refreshes. Default: 1")]
    [DefaultValue(1.0)]
    public double IntervalSeconds { get; init; } = 1.0;

    [CommandOption("--count <N>")]
    [Description("Stop after N refreshes (for scripts). Default: until Ctrl+C")]
    public int? Count { get; init; }

    public override ValidationResult Validate()
        => IntervalSeconds is < 0.1 or > 3600 ? ValidationResult.Error("--interval must be between 0.1 and 3600 seconds.")
            : Count < 1 ? ValidationResult.Error("--count must be 1 or more.")
            : base.Validate();
}
