using BidLocks.Benchmarks;

// Side-by-side lock benchmark (docs/benchmarks.md): the Redis lock beside the libraries .NET teams use, then the SQLite
// lock beside raw SQLite. Every figure is the median of interleaved rounds with their range.
var arguments = BenchmarkArguments.Parse(args);
Console.Error.WriteLine($"usage: {BenchmarkArguments.Usage}");
if (arguments.Packed)
{
    // The Redis section from an app of its own on the packed package; SQLite is not part of it.
    return await PackedRun.RunAsync(args);
}

if (arguments.Profile)
{
    await StepProfile.RunAsync(arguments);
    return 0;
}

if (arguments.RunRedis)
{
    await RedisSection.RunAsync(arguments);
}

if (arguments.RunSqlite)
{
    if (arguments.RunRedis)
    {
        Console.WriteLine();
    }

    await SqliteSection.RunAsync(arguments);
}

return 0;
