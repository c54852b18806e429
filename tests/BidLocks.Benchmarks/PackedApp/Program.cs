using BidLocks.Benchmarks;

// The Redis section again, as a user's app runs it: this program is built by PackedRun (see there) against the packed
// BidLocks package and the StackExchange.Redis it names, outside the repository's build.
await RedisSection.RunAsync(BenchmarkArguments.Parse(args));
