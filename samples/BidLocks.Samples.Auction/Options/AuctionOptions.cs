namespace BidLocks.Samples.Auction.Options;

/// <summary>
/// Everything one run needs. The coordinator parses it from the command line and hands the same settings to every
/// bidder process, so that all of them place the same kind of traffic.
/// </summary>
public sealed record AuctionOptions
{
    /// <summary>Bidder instances, each a separate OS process: the lock has to hold between processes, not threads.</summary>
    public int Processes { get; init; } = 4;

    /// <summary>Concurrent bid loops inside each process; they contend with each other as well as across processes.</summary>
    public int Workers { get; init; } = 4;

    /// <summary>Postings on sale. Few postings and many workers mean many collisions.</summary>
    public int Postings { get; init; } = 8;

    /// <summary>
    /// Postings each bid covers: 1 is an ordinary bid; more is a bundle, which must hold every one of its postings at
    /// once (a multi-posting lock), picked at random and named in random order, so bundles overlap in opposite orders.
    /// </summary>
    public int Bundle { get; init; } = 1;

    /// <summary>How long the bidders bid.</summary>
    public double Seconds { get; init; } = 10;

    /// <summary>
    /// The simulated marketplace's latency between reading a posting's top bid and placing the next one: the window
    /// in which two unlocked bidders both see the same top bid.
    /// </summary>
    public int LatencyMs { get; init; } = 5;

    /// <summary>Bids without the lock, to show the duplicates the lock prevents.</summary>
    public bool NoLock { get; init; }

    /// <summary>Redis server for the lock (from <c>--redis</c>); null lets the environment decide (REDIS_URL, …).</summary>
    public string? RedisUrl { get; init; }

    /// <summary>Keep the run folder (ledger and lock database) for inspection instead of deleting it.</summary>
    public bool Keep { get; init; }

    /// <summary>Print the usage and exit.</summary>
    public bool Help { get; init; }

    /// <summary>Set only in a bidder process: which instance it is (1-based). Not for users; the coordinator passes it.</summary>
    public int? WorkerId { get; init; }

    /// <summary>Set only in a bidder process: the run folder that holds the ledger.</summary>
    public string? RunDirectory { get; init; }

    /// <summary>Set only in a bidder process: the marketplace id of this run, so that runs sharing a Redis never meet.</summary>
    public string? MarketplaceId { get; init; }
}
