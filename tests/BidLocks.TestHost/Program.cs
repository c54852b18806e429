using BidLocks.TestHost;

// A child process for the cross-process tests of the SQLite and Redis locks. It speaks one line at a time on stdout, so a test
// can wait for exactly the state it needs ("ready", "held …") instead of sleeping.
return args switch
{
    ["contend", .. var rest] => await Contend.RunAsync(Arguments.Parse(rest)),
    ["hold", .. var rest] => await Hold.RunAsync(Arguments.Parse(rest)),
    ["soak", .. var rest] => await Soak.RunAsync(Arguments.Parse(rest)),
    ["multi-soak", .. var rest] => await MultiSoak.RunAsync(Arguments.Parse(rest)),
    ["bundle-bidder", .. var rest] => await BundleBidder.RunAsync(Arguments.Parse(rest)),
    ["shared-manager", .. var rest] => await SharedManager.RunAsync(Arguments.Parse(rest)),
    ["failover-bidder", .. var rest] => await FailoverBidder.RunAsync(Arguments.Parse(rest)),
    ["worker"] => await Worker.RunAsync(),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: BidLocks.TestHost contend --db PATH --marketplace M --posting P --workers N --rounds R --ledger FILE --counter FILE [--no-watch]");
    Console.Error.WriteLine("       BidLocks.TestHost hold (--db PATH | --redis-url URL) --marketplace M --posting P --ttl-ms T");
    Console.Error.WriteLine("       BidLocks.TestHost soak (--db PATH | --redis-url URL [--min-replicas N]) --marketplace M --postings N --workers N --ledger FOLDER --max-seconds S [--no-lock] [--long-hold-seconds S]");
    Console.Error.WriteLine("       BidLocks.TestHost multi-soak (--db PATH | --redis-url URL) --marketplace M --shape I,J,.. --workers N --ledger FOLDER --probe-posting P --timeout-ms T --max-seconds S [--by-hand]");
    Console.Error.WriteLine("       BidLocks.TestHost bundle-bidder (--db PATH | --redis-url URL) --marketplace M --postings N --bundle K --workers N --ledger FOLDER --holds FILE --timeout-ms T --max-seconds S");
    Console.Error.WriteLine("       BidLocks.TestHost shared-manager --db PATH [--env-db PATH] [--shared-first] [--second-db PATH] | --concurrent N --env-db PATH");
    Console.Error.WriteLine("       BidLocks.TestHost failover-bidder --redis-url URL [--min-replicas N] --marketplace M --postings N --workers N --ledger FOLDER --max-seconds S");
    Console.Error.WriteLine("       BidLocks.TestHost worker   (a host with AddBidLocks(), configured by the environment)");
    return 2;
}
