using BidLocks.Samples.Auction.Coordination;
using Spectre.Console.Cli;

namespace BidLocks.Samples.Auction.CommandLine;

/// <summary>
/// The demo's one command. Started by a user, this process is the coordinator; it starts copies of itself with
/// <c>--worker N</c> as the bidder processes.
/// </summary>
internal sealed class AuctionCommand : AsyncCommand<AuctionSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, AuctionSettings settings, CancellationToken cancellationToken)
    {
        // Spectre's strict parsing reports a missing value as a failed conversion of its own placeholder
        // ('__default_command'), so unknown options are refused here instead.
        if (context.Remaining.Parsed.FirstOrDefault() is { } unknown)
        {
            return Task.FromResult(CommandLineError.Report($"unknown option '{unknown.Key}'"));
        }

        if (context.Remaining.Raw.Count > 0)
        {
            return Task.FromResult(CommandLineError.Report($"unexpected argument '{context.Remaining.Raw[0]}'"));
        }

        return settings.WorkerId is null ? AuctionCoordinator.RunAsync(settings) : BidderInstance.RunAsync(settings);
    }
}
