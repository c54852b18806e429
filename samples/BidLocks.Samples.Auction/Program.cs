using BidLocks.Samples.Auction.Coordinator;
using BidLocks.Samples.Auction.Options;
using BidLocks.Samples.Auction.Worker;

// The auction demo. Started by a user, this process is the coordinator; it starts copies of itself with --worker N
// as the bidder processes. See Options/HelpText.cs for what the demo shows and how.
var parsed = OptionsParser.Parse(args);
if (parsed.Options is not { } options)
{
    await Console.Error.WriteLineAsync($"error: {parsed.Error}");
    await Console.Error.WriteLineAsync("Run with --help to see the options.");
    return 2;
}

if (options.Help)
{
    Console.WriteLine(HelpText.Usage);
    return 0;
}

return options.WorkerId is null
    ? await AuctionCoordinator.RunAsync(options)
    : await BidderInstance.RunAsync(options);
