using System.ComponentModel;
using BidLocks.Cli.Backend;
using Spectre.Console;
using Spectre.Console.Cli;

namespace BidLocks.Cli.Commands;

/// <summary>What <c>status</c> checks: the backend, and with Redis the replicas the services require.</summary>
internal sealed class StatusSettings : BackendSettings
{
    [CommandOption("--min-replicas <N>")]
    [Description("Redis: check that N replicas answer, as services with MinReplicas = N require (else BIDLOCKS_REDIS_MIN_REPLICAS, else 0).")]
    public int? MinReplicas { get; init; }

    public override ValidationResult Validate()
        => MinReplicas < 0 ? ValidationResult.Error("--min-replicas must be 0 or more.") : base.Validate();
}
