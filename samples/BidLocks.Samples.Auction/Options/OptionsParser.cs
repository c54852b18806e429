using System.Globalization;

namespace BidLocks.Samples.Auction.Options;

/// <summary>The outcome of parsing: options, or the one message that says what was wrong.</summary>
public sealed record ParseOutcome(AuctionOptions? Options, string? Error);

/// <summary>
/// Parses <c>--name value</c> and <c>--name=value</c>. Hand-written rather than a command-line library, so that the
/// sample needs nothing beyond BidLocks and SQLite; every rejection names the option and the accepted range.
/// </summary>
public static class OptionsParser
{
    public static ParseOutcome Parse(IReadOnlyList<string> args)
    {
        var options = new AuctionOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var (name, inlineValue) = Split(args[i]);

            // Reads the option's value: the part after '=' or the next argument.
            string? Value()
            {
                if (inlineValue is not null)
                {
                    return inlineValue;
                }

                if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    return args[++i];
                }

                return null;
            }

            string? error = null;
            switch (name)
            {
                case "--help" or "-h" or "-?":
                    options = options with { Help = true };
                    break;
                case "--no-lock":
                    error = NoValue(name, inlineValue);
                    options = options with { NoLock = true };
                    break;
                case "--keep":
                    error = NoValue(name, inlineValue);
                    options = options with { Keep = true };
                    break;
                case "--processes":
                    error = Int(name, Value(), 1, 32, v => options = options with { Processes = v });
                    break;
                case "--workers":
                    error = Int(name, Value(), 1, 64, v => options = options with { Workers = v });
                    break;
                case "--postings":
                    error = Int(name, Value(), 1, 10_000, v => options = options with { Postings = v });
                    break;
                case "--latency-ms":
                    error = Int(name, Value(), 0, 1_000, v => options = options with { LatencyMs = v });
                    break;
                case "--bundle":
                    error = Int(name, Value(), 1, BidLockDefaults.MaxPostingsPerLock, v => options = options with { Bundle = v });
                    break;
                case "--seconds":
                    error = Seconds(name, Value(), v => options = options with { Seconds = v });
                    break;
                case "--redis":
                    error = Redis(name, Value(), v => options = options with { RedisUrl = v });
                    break;

                // Passed by the coordinator to the bidder processes it starts; not in the help.
                case "--worker":
                    error = Int(name, Value(), 1, 32, v => options = options with { WorkerId = v });
                    break;
                case "--run-dir":
                    error = Text(name, Value(), v => options = options with { RunDirectory = v });
                    break;
                case "--marketplace":
                    error = Text(name, Value(), v => options = options with { MarketplaceId = v });
                    break;

                default:
                    error = $"unknown option '{args[i]}'";
                    break;
            }

            if (error is not null)
            {
                return new ParseOutcome(null, error);
            }
        }

        if (options.Bundle > options.Postings)
        {
            return new ParseOutcome(null, $"--bundle {options.Bundle} needs at least as many postings (--postings is {options.Postings})");
        }

        if (options.WorkerId is not null && (options.RunDirectory is null || options.MarketplaceId is null))
        {
            return new ParseOutcome(null, "--worker needs --run-dir and --marketplace (the coordinator passes them)");
        }

        return new ParseOutcome(options, null);
    }

    /// <summary>The arguments that make a bidder process run with the same settings as <paramref name="options"/>.</summary>
    /// <remarks>The Redis URL is not among them: it may hold a password, and arguments are visible to every user of the host.</remarks>
    public static IReadOnlyList<string> WorkerArguments(AuctionOptions options, int workerId, string runDirectory, string marketplaceId)
    {
        var args = new List<string>
        {
            "--worker", workerId.ToString(CultureInfo.InvariantCulture),
            "--run-dir", runDirectory,
            "--marketplace", marketplaceId,
            "--processes", options.Processes.ToString(CultureInfo.InvariantCulture),
            "--workers", options.Workers.ToString(CultureInfo.InvariantCulture),
            "--postings", options.Postings.ToString(CultureInfo.InvariantCulture),
            "--seconds", options.Seconds.ToString("R", CultureInfo.InvariantCulture),
            "--latency-ms", options.LatencyMs.ToString(CultureInfo.InvariantCulture),
            "--bundle", options.Bundle.ToString(CultureInfo.InvariantCulture),
        };
        if (options.NoLock)
        {
            args.Add("--no-lock");
        }

        return args;
    }

    private static (string Name, string? Value) Split(string arg)
    {
        var equals = arg.IndexOf('=', StringComparison.Ordinal);
        return arg.StartsWith("--", StringComparison.Ordinal) && equals > 2 ? (arg[..equals], arg[(equals + 1)..]) : (arg, null);
    }

    private static string? NoValue(string name, string? inlineValue)
        => inlineValue is null ? null : $"{name} takes no value (got '{inlineValue}')";

    private static string? Int(string name, string? text, int min, int max, Action<int> set)
    {
        if (text is null)
        {
            return $"{name} needs a whole number from {min} to {max}";
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            return $"{name} must be a whole number from {min} to {max} (got '{text}')";
        }

        set(value);
        return null;
    }

    private static string? Seconds(string name, string? text, Action<double> set)
    {
        const double Min = 0.5, Max = 3600;
        if (text is null)
        {
            return $"{name} needs a number of seconds from {Min} to {Max}";
        }

        if (!double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || value < Min || value > Max)
        {
            return $"{name} must be a number of seconds from {Min} to {Max} (got '{text}')";
        }

        set(value);
        return null;
    }

    private static string? Redis(string name, string? text, Action<string> set)
    {
        // The full syntax (user, password, port, database) is checked by BidLocks itself when it connects; here only
        // what makes the mistake obvious.
        if (text is null)
        {
            return $"{name} needs a URL: redis://[user:password@]host[:port][/db], or rediss:// for TLS";
        }

        if (!text.StartsWith("redis://", StringComparison.OrdinalIgnoreCase) && !text.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase))
        {
            return $"{name} must be a URL such as redis://localhost:6379 (redis:// or rediss://)";
        }

        set(text);
        return null;
    }

    private static string? Text(string name, string? text, Action<string> set)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return $"{name} needs a value";
        }

        set(text);
        return null;
    }
}
