using System.ComponentModel;
using System.Globalization;
using Spectre.Console.Cli;
using Spectre.Console;

namespace BidLocks.Samples.Auction.CommandLine;

/// <summary>
/// Everything one run needs. The coordinator reads it from the command line and hands the same settings to every
/// bidder process (<see cref="BidderArguments"/>), so that all of them place the same kind of traffic.
/// </summary>
public sealed class AuctionSettings : CommandSettings
{
    /// <summary>Separate OS processes: the lock has to hold between processes, not threads.</summary>
    [CommandOption("--processes <N>")]
    [Description("Bidder processes (real OS processes), 1-32.")]
    [DefaultValue(4)]
    public int Processes { get; init; } = 4;

    [CommandOption("--workers <N>")]
    [Description("Concurrent bid loops in each process, 1-64: they contend with each other as well as across processes.")]
    [DefaultValue(4)]
    public int Workers { get; init; } = 4;

    /// <summary>Few postings and many workers mean many collisions.</summary>
    [CommandOption("--postings <N>")]
    [Description("Postings on sale, 1-10000.")]
    [DefaultValue(8)]
    public int Postings { get; init; } = 8;

    [CommandOption("--seconds <S>")]
    [Description("How long to bid, 0.5-3600.")]
    [DefaultValue(10.0)]
    public double Seconds { get; init; } = 10;

    /// <summary>The window in which two unlocked bidders both see the same top bid.</summary>
    [CommandOption("--latency-ms <N>")]
    [Description("Marketplace latency between reading a posting's top bid and placing the next one, 0-1000.")]
    [DefaultValue(5)]
    public int LatencyMs { get; init; } = 5;

    /// <summary>Picked at random and named in random order, so bundles overlap in opposite orders.</summary>
    [CommandOption("--bundle <N>")]
    [Description("Postings each bid covers, 1-64 (at most --postings). Above 1, a bundle bid holds all of them at once (one multi-posting lock), in any order.")]
    [DefaultValue(1)]
    public int Bundle { get; init; } = 1;

    [CommandOption("--no-lock")]
    [Description("Bid without the lock, to see the duplicates it prevents.")]
    public bool NoLock { get; init; }

    /// <summary>Null lets the environment decide (REDIS_URL, REDIS_HOST, …), as BidLocks does for any application.</summary>
    [CommandOption("--redis <URL>")]
    [Description("Lock in Redis: redis://[[user:password@]]host[[:port]][[/db]] (rediss:// for TLS). Sets REDIS_URL and USE_REDIS_LOCKS=true for this run. Without it the backend is BidLocks' choice from REDIS_URL, REDIS_HOST, USE_REDIS_LOCKS, DOTNET_ENVIRONMENT and BIDLOCKS_SQLITE_PATH; with none set, SQLite in this run's temp folder.")]
    public string? RedisUrl { get; init; }

    [CommandOption("--keep")]
    [Description("Keep the run folder (ledger and lock database) to inspect with sqlite3.")]
    public bool Keep { get; init; }

    // Passed by the coordinator to the bidder processes it starts; hidden from the help.

    /// <summary>Set only in a bidder process: which instance it is (1-based).</summary>
    [CommandOption("--worker <N>", IsHidden = true)]
    public int? WorkerId { get; init; }

    /// <summary>Set only in a bidder process: the run folder that holds the ledger.</summary>
    [CommandOption("--run-dir <PATH>", IsHidden = true)]
    public string? RunDirectory { get; init; }

    /// <summary>Set only in a bidder process: the marketplace id of this run, so that runs sharing a Redis never meet.</summary>
    [CommandOption("--marketplace <ID>", IsHidden = true)]
    public string? MarketplaceId { get; init; }

    /// <summary>Every rejection names the option and what it accepts.</summary>
    public override ValidationResult Validate()
    {
        var error = Range("--processes", Processes, 1, 32)
            ?? Range("--workers", Workers, 1, 64)
            ?? Range("--postings", Postings, 1, 10_000)
            ?? Range("--latency-ms", LatencyMs, 0, 1_000)
            ?? Range("--bundle", Bundle, 1, BidLockDefaults.MaxPostingsPerLock)
            ?? (Seconds is >= 0.5 and <= 3600 ? null : $"--seconds must be from 0.5 to 3600 (got {Seconds.ToString(CultureInfo.InvariantCulture)})")
            ?? (Bundle <= Postings ? null : $"--bundle {Bundle} needs at least as many postings (--postings is {Postings})")
            ?? RedisError()
            ?? (WorkerId is null || (RunDirectory is not null && MarketplaceId is not null) ? null : "--worker needs --run-dir and --marketplace (the coordinator passes them)");
        return error is null ? ValidationResult.Success() : ValidationResult.Error(error);
    }

    /// <summary>The arguments that make a bidder process run with these settings.</summary>
    /// <remarks>The Redis URL is not among them: it may hold a password, and arguments are visible to every user of the host.</remarks>
    public IReadOnlyList<string> BidderArguments(int workerId, string runDirectory, string marketplaceId)
    {
        string Text(IFormattable value) => value.ToString(null, CultureInfo.InvariantCulture);
        List<string> args =
        [
            "--worker", Text(workerId), "--run-dir", runDirectory, "--marketplace", marketplaceId,
            "--processes", Text(Processes), "--workers", Text(Workers), "--postings", Text(Postings),
            "--seconds", Seconds.ToString("R", CultureInfo.InvariantCulture), "--latency-ms", Text(LatencyMs), "--bundle", Text(Bundle),
        ];
        if (NoLock)
        {
            args.Add("--no-lock");
        }

        return args;
    }

    private static string? Range(string option, int value, int min, int max)
        => value >= min && value <= max ? null : $"{option} must be a whole number from {min} to {max} (got {value})";

    // The full syntax (user, password, port, database) is checked by BidLocks itself when it connects; here only what
    // makes the mistake obvious.
    private string? RedisError()
        => RedisUrl is null
            || RedisUrl.StartsWith("redis://", StringComparison.OrdinalIgnoreCase)
            || RedisUrl.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase)
            ? null
            : "--redis must be a URL such as redis://localhost:6379 (redis:// or rediss://)";
}
