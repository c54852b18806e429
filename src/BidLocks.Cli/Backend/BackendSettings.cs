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

    [CommandOption("--appsettings <FILE>")]
    [Description("Read the app's settings from FILE (its appsettings.json; appsettings.<environment>.json beside it and BidLocks__* variables too, as a host reads them). --redis, --sqlite and --key-prefix win over it.")]
    public string? AppSettings { get; init; }

    [CommandOption("--section <NAME>")]
    [Description("The configuration section the app binds BidLocks from (AddBidLocks reads BidLocks). Needs --appsettings.")]
    public string? Section { get; init; }

    [CommandOption("--connect-timeout <SECONDS>")]
    [Description("How long connecting to Redis may take in all before the command gives up. Default: 3")]
    [DefaultValue(3.0)]
    public double ConnectTimeoutSeconds { get; init; } = 3.0;

    [CommandOption("--key-prefix <PREFIX>")]
    [Description("The lock keys' prefix (BidLockOptions.KeyPrefix). Default: bidlock:")]
    public string? KeyPrefix { get; init; }

    [CommandOption("--json")]
    [Description("Write JSON for scripts instead of tables.")]
    public bool Json { get; init; }

    public override ValidationResult Validate()
        => RedisUrl is not null && SqlitePath is not null ? ValidationResult.Error("Give --redis or --sqlite, not both.")
            : Section is not null && AppSettings is null ? ValidationResult.Error("--section names a section of the file --appsettings reads: give --appsettings too.")
            : ConnectTimeoutSeconds is <= 0 or > 600 ? ValidationResult.Error("--connect-timeout must be more than 0 and at most 600 seconds.")
            : ValidationResult.Success();
}
