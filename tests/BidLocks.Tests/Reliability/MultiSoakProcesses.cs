using System.Globalization;
using System.Text.Json;
using BidLocks.TestHost;
using BidLocks.Tests.Sqlite;

namespace BidLocks.Tests.Reliability;

/// <summary>
/// The multi-posting soak's processes: one real child process of <c>BidLocks.TestHost multi-soak</c> per entry of
/// <see cref="Shapes"/>, each taking its own set of postings, named in its own order, through one backend, with a
/// shared <see cref="SoakLedger"/>. After <see cref="StopAsync"/> the processes keep their managers open until
/// disposed, so the test can look for a posting left held.
/// </summary>
public sealed class MultiSoakProcesses : IAsyncDisposable
{
    /// <summary>{A,B}, {B,A}, {A,B,C} and {C,B}: overlapping sets, half of them named in the opposite order.</summary>
    public static readonly int[][] Shapes = [[0, 1], [1, 0], [0, 1, 2], [2, 1]];
    public const int Postings = 3;
    public const int WorkersPerProcess = 4;

    private readonly List<TestHostProcess> _hosts;

    private MultiSoakProcesses(SoakLedger ledger, string marketplace, List<TestHostProcess> hosts)
    {
        Ledger = ledger;
        Marketplace = marketplace;
        _hosts = hosts;
    }

    public SoakLedger Ledger { get; }

    /// <summary>
    /// The posting only process <paramref name="index"/>'s probes take; it sorts before every shared one, so a probe
    /// always holds it when it fails on a shared one, and must give it back.
    /// </summary>
    public static string ProbePosting(int index) => string.Create(CultureInfo.InvariantCulture, $"a-probe-{index}");

    /// <summary>Every posting any process takes: the shared ones and the probes' own.</summary>
    public static IEnumerable<string> AllPostings
        => Enumerable.Range(0, Postings).Select(MultiSoak.PostingName).Concat(Shapes.Select((_, index) => ProbePosting(index)));

    public string Marketplace { get; }

    /// <summary>Starts one process per shape on the backend <paramref name="backend"/> names and sets them all going at once.</summary>
    /// <param name="backend"><c>--db PATH</c> or <c>--redis-url URL</c>.</param>
    /// <param name="ledgerFolder">An empty folder for the ledger.</param>
    /// <param name="timeout">The patient calls' timeout.</param>
    /// <param name="runFor">How long the soak is meant to run; the processes stop by themselves well after it.</param>
    /// <param name="byHand">The control: each posting locked alone, in the listed order.</param>
    public static async Task<MultiSoakProcesses> StartAsync(string[] backend, string ledgerFolder, TimeSpan timeout, TimeSpan runFor, bool byHand = false)
    {
        var ledger = SoakLedger.Create(ledgerFolder, Postings);
        var marketplace = "multi-soak-" + Guid.NewGuid().ToString("N");
        var safety = ((int)runFor.TotalSeconds + 300).ToString(CultureInfo.InvariantCulture);
        var hosts = Shapes.Select((shape, index) => TestHostProcess.Start(
        [
            "multi-soak", .. backend, "--marketplace", marketplace, "--ledger", ledgerFolder, "--max-seconds", safety,
            "--shape", string.Join(',', shape), "--probe-posting", ProbePosting(index), "--workers", WorkersPerProcess.ToString(CultureInfo.InvariantCulture),
            "--timeout-ms", ((int)timeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
            .. (byHand ? ["--by-hand"] : Array.Empty<string>()),
        ])).ToList();
        await ReadySetGo.StartTogetherAsync(hosts);
        return new MultiSoakProcesses(ledger, marketplace, hosts);
    }

    /// <summary>Tells every process to stop bidding and returns what each did; their managers stay open.</summary>
    public async Task<IReadOnlyList<MultiSoakSummary>> StopAsync()
    {
        foreach (var host in _hosts)
        {
            await host.WriteLineAsync("stop");
        }

        var summaries = new List<MultiSoakSummary>();
        foreach (var host in _hosts)
        {
            var line = await host.ReadLineAsync();
            Assert.StartsWith("done ", line, StringComparison.Ordinal);
            summaries.Add(JsonSerializer.Deserialize<MultiSoakSummary>(line["done ".Length..])!);
        }

        return summaries;
    }

    /// <summary>Lets the processes close their managers and exit; checks that each exited cleanly.</summary>
    public async Task ExitAsync()
    {
        foreach (var host in _hosts)
        {
            await host.WriteLineAsync("exit");
        }

        foreach (var host in _hosts)
        {
            Assert.Equal(0, await host.WaitForExitAsync());
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }
    }
}
