using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using BidLocks.TestHost;
using BidLocks.Tests.Sqlite;

namespace BidLocks.Tests.Reliability;

/// <summary>
/// The soak's processes: <see cref="Processes"/> real child processes of <c>BidLocks.TestHost soak</c>, each with
/// <see cref="WorkersPerProcess"/> workers bidding on <see cref="Postings"/> postings through one backend, with a
/// shared <see cref="SoakLedger"/>. The test starts them together, waits for the states they report, and stops them.
/// </summary>
public sealed class SoakProcesses : IAsyncDisposable
{
    public const int Processes = 4;
    public const int WorkersPerProcess = 16;
    public const int Postings = 50;

    private readonly List<TestHostProcess> _hosts;

    private SoakProcesses(SoakLedger ledger, List<TestHostProcess> hosts)
    {
        Ledger = ledger;
        _hosts = hosts;
    }

    public SoakLedger Ledger { get; }

    /// <summary>Starts the processes on the backend that <paramref name="backend"/> names and sets them all going at once.</summary>
    /// <param name="backend"><c>--db PATH</c> or <c>--redis-url URL</c>.</param>
    /// <param name="ledgerFolder">An empty folder for the ledger.</param>
    /// <param name="runFor">How long the soak is meant to run; the processes stop by themselves well after it.</param>
    /// <param name="withoutLock">The control: the same bids, the lock not taken.</param>
    /// <param name="longHolds">When set, one more worker per process holds postings of its own this long each time.</param>
    public static async Task<SoakProcesses> StartAsync(string[] backend, string ledgerFolder, TimeSpan runFor, bool withoutLock = false, TimeSpan? longHolds = null)
    {
        var ledger = SoakLedger.Create(ledgerFolder, Postings);
        var marketplace = "soak-" + Guid.NewGuid().ToString("N");
        var safety = ((int)runFor.TotalSeconds + 300).ToString(CultureInfo.InvariantCulture);
        var hosts = Enumerable.Range(0, Processes).Select(_ => TestHostProcess.Start(
        [
            "soak", .. backend, "--marketplace", marketplace, "--ledger", ledgerFolder, "--max-seconds", safety,
            "--postings", Postings.ToString(CultureInfo.InvariantCulture), "--workers", WorkersPerProcess.ToString(CultureInfo.InvariantCulture),
            .. (withoutLock ? ["--no-lock"] : Array.Empty<string>()),
            .. (longHolds is { } hold ? ["--long-hold-seconds", hold.TotalSeconds.ToString(CultureInfo.InvariantCulture)] : Array.Empty<string>()),
        ])).ToList();
        await ReadySetGo.StartTogetherAsync(hosts);
        return new SoakProcesses(ledger, hosts);
    }

    /// <summary>
    /// Waits until every process reports <paramref name="state"/> (<c>ok</c> or <c>failing</c>) for an acquire or
    /// failure after <paramref name="after"/> (a <see cref="Stopwatch"/> timestamp); returns the latest of their timestamps.
    /// </summary>
    public async Task<long> WaitForStateAsync(string state, long after)
    {
        var seen = await Task.WhenAll(_hosts.Select(async host =>
        {
            while (true)
            {
                var parts = (await host.ReadLineAsync()).Split(' ');
                if (parts is ["state", var name, var stamp] && name == state && long.Parse(stamp, CultureInfo.InvariantCulture) is var at && at > after)
                {
                    return at;
                }
            }
        }));
        return seen.Max();
    }

    /// <summary>Tells every process to stop, and returns what each did.</summary>
    public async Task<IReadOnlyList<SoakSummary>> StopAsync() => await StopAllAsync(_hosts);

    /// <summary>Tells each soak process in <paramref name="hosts"/> to stop, and returns what each did.</summary>
    public static async Task<List<SoakSummary>> StopAllAsync(IReadOnlyList<TestHostProcess> hosts)
    {
        foreach (var host in hosts)
        {
            await host.WriteLineAsync("stop");
        }

        var summaries = new List<SoakSummary>();
        foreach (var host in hosts)
        {
            // State lines may still be queued before the summary.
            var line = await host.ReadLineAsync();
            while (!line.StartsWith("done ", StringComparison.Ordinal))
            {
                line = await host.ReadLineAsync();
            }

            summaries.Add(JsonSerializer.Deserialize<SoakSummary>(line["done ".Length..])!);
            Assert.Equal(0, await host.WaitForExitAsync());
        }

        return summaries;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }
    }
}
