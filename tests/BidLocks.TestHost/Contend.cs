using System.Diagnostics;
using System.Globalization;
using BidLocks;

namespace BidLocks.TestHost;

/// <summary>
/// Workers of one process take the same lock in turn and, inside it, do a deliberately non-atomic read-modify-write
/// of a counter file and append one ledger line. Any overlap between holders, in this process or another, loses a
/// count; the ledger's line order is the order in which the lock was held.
/// </summary>
internal static class Contend
{
    public static async Task<int> RunAsync(Arguments arguments)
    {
        var options = new BidLockOptions();
        await using var manager = await SqliteBidLockManager.OpenAsync(
            arguments.Text("db"), options, Environment.GetEnvironmentVariable, CancellationToken.None, watchChanges: !arguments.Flag("no-watch"));
        var marketplace = arguments.Text("marketplace");
        var posting = arguments.Text("posting");
        var ledger = arguments.Text("ledger");
        var counter = arguments.Text("counter");
        var rounds = arguments.Number("rounds");

        // Every process starts its workers on the same signal, so they really contend.
        Console.WriteLine("ready");
        if (Console.ReadLine() != "go")
        {
            return 3;
        }

        var workers = Enumerable.Range(0, arguments.Number("workers")).Select(worker => Task.Run(async () =>
        {
            for (var round = 0; round < rounds; round++)
            {
                await using var lease = await manager.AcquireAsync(marketplace, posting, TimeSpan.FromSeconds(120));
                var acquired = Stopwatch.GetTimestamp();
                var seen = int.Parse(await File.ReadAllTextAsync(counter), CultureInfo.InvariantCulture);
                await Task.Yield();
                await File.WriteAllTextAsync(counter, (seen + 1).ToString(CultureInfo.InvariantCulture));
                // Stopwatch ticks come from the system's monotonic clock, which every process on the host shares.
                var releasing = Stopwatch.GetTimestamp();
                await File.AppendAllTextAsync(ledger, string.Create(CultureInfo.InvariantCulture, $"{lease.FencingToken} {Environment.ProcessId} {worker} {acquired} {releasing}\n"));
            }
        })).ToArray();
        await Task.WhenAll(workers);
        Console.WriteLine("done");
        return 0;
    }
}
