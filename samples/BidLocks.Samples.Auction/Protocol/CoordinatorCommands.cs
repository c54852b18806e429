namespace BidLocks.Samples.Auction.Protocol;

/// <summary>What the coordinator tells a bidder process, one word per line on its stdin.</summary>
public static class CoordinatorCommands
{
    /// <summary>Every bidder is ready: start bidding now, so that all of them overlap for the whole run.</summary>
    public const string Start = "start";

    /// <summary>Stop early (Ctrl+C): finish, report, exit.</summary>
    public const string Stop = "stop";
}
