using BidLocks.Samples.Auction.CommandLine;
using Spectre.Console.Cli;

// The auction demo: start reading at BidService.cs. This file only reads the command line (CommandLine/).
var app = new CommandApp<AuctionCommand>();
// Spectre wraps the description to the terminal: one paragraph per line here. [[ ]] is a literal bracket in its markup.
app.WithDescription(string.Join(Environment.NewLine + Environment.NewLine,
    "BidLocks auction demo: several bidder processes bid on the same postings at once. Each bid reads a posting's top bid and, after a few milliseconds of marketplace latency, places the next one. Two bidders doing that at once both place \"the next bid\" for the same round: a duplicate. With [[BidLock]] that cannot happen; the marketplace ledger (a SQLite file the lock never touches) is audited at the end to prove it.",
    "Exit codes: 0 success (with --no-lock, duplicates are the expected result); 1 the run failed or, with the lock, a duplicate bid was found; 2 bad arguments or settings; 130 interrupted twice."));
app.Configure(config =>
{
    config.SetApplicationName("dotnet run --project samples/BidLocks.Samples.Auction --");
    config.SetExceptionHandler((exception, _) => exception is CommandAppException commandLine
        ? CommandLineError.Report(commandLine, args)
        : Failed(exception));
});
return await app.RunAsync(args);

// Not the command line: the run itself failed, and the whole exception says where.
static int Failed(Exception exception)
{
    Console.Error.WriteLine($"error: {exception}");
    return 1;
}
