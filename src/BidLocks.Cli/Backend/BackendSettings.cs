using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace BidLocks.Cli.Backend;

/// <summary>
/// The options every command takes: where the locks are (by default, as <c>BidLockManagerFactory</c> decides from the
/// environment), their key prefix, and JSON output for scripts.
/// </summary>
internal class BackendSettings : CommandSettings
{
    [CommandOption("--redis <URL>")]
    [Description("Redis at URL (redis://[user:password@]host[:port][/db], rediss:// for TLS) instead of the environment's choice.")]
    public string? RedisUrl { get; init; }

    [CommandOption("--sqlite <PATH>")]
    [Description("The SQLite lock file at PATH instead of the environment's choice. It must exist.")]
    public string? SqlitePath { get; init; }

    [CommandOption("--key-prefix <PREFIX>")]
    [Description("The lock keys' prefix (BidLockOptions.KeyPrefix). Default: bidlock:")]
    public string? KeyPrefix { get; init; }

    [CommandOption("--json")]
    [Description("Write JSON for scripts instead of tables.")]
    public bool Json { get; init; }

    public override ValidationResult Validate()
        => RedisUrl is not null && SqlitePath is not null
            ? ValidationResult.Error("Give --redis or --sqlite, not both.")
            : ValidationResult.Success();
}
