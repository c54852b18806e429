using BidLocks.Benchmarks;

// The Redis section again, as a user's app runs it: this program is built by PackedRun (see there) against the packed
// BidLocks package and the StackExchange.Redis it names, outside the repository's build.
var arguments = BenchmarkArguments.Parse(args);
if (arguments.Profile)
{
    await StepProfile.RunAsync(arguments);
}
else
{
    await RedisSection.RunAsync(arguments);
}
