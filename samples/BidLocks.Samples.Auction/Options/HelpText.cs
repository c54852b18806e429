namespace BidLocks.Samples.Auction.Options;

/// <summary>The usage text, printed by <c>--help</c> and referred to by every argument error.</summary>
public static class HelpText
{
    public const string Usage = """
        BidLocks auction demo: several bidder processes bid on the same postings at once. Each bid reads a posting's
        top bid and, after a few milliseconds of marketplace latency, places the next one. Two bidders doing that at
        once both place "the next bid" for the same round: a duplicate. With [BidLock] that cannot happen; the
        marketplace ledger (a SQLite file the lock never touches) is audited at the end to prove it.

        Usage: dotnet run --project samples/BidLocks.Samples.Auction [-- options]

        Options:
          --processes N     bidder processes (real OS processes), 1-32           default 4
          --workers N       concurrent bid loops in each process, 1-64          default 4
          --postings N      postings on sale, 1-10000                            default 8
          --seconds S       how long to bid, 0.5-3600                            default 10
          --latency-ms N    marketplace latency between read and write, 0-1000   default 5
          --bundle N        postings each bid covers, 1-64 (at most --postings)  default 1
                            N > 1: a bundle bid holds all N at once (one multi-posting lock), in any order
          --no-lock         bid without the lock, to see the duplicates it prevents
          --redis URL       lock in Redis: redis://[user:password@]host[:port][/db] (rediss:// for TLS);
                            sets REDIS_URL and USE_REDIS_LOCKS=true for this run
          --keep            keep the run folder (ledger and lock database) to inspect with sqlite3
          -h, --help        this text

        Backend: as BidLocks picks it (REDIS_URL, REDIS_HOST, USE_REDIS_LOCKS, DOTNET_ENVIRONMENT,
        BIDLOCKS_SQLITE_PATH). With none set, the demo declares DOTNET_ENVIRONMENT=Development (unset means
        Production, which requires Redis) and the lock is SQLite in a file of this run's temp folder.

        Exit codes: 0 success (with --no-lock, duplicates are the expected result); 1 the run failed or, with the
        lock, a duplicate bid was found; 2 bad arguments or settings; 130 interrupted twice.
        """;
}
