using System.Globalization;
using System.Text.Json;
using BidLocks.TestHost;
using BidLocks.Tests.Sqlite;

namespace BidLocks.Tests.Reliability;

/// <summary>
/// The processes of the bundle-among-singles test: one real child process of <c>BidLocks.TestHost bundle-bidder</c>
/// bidding bundles of <see cref="BundleSize"/> postings, and <see cref="SingleProcesses"/> bidding single postings, all
/// on the same <see cref="Postings"/> postings through one backend, with a shared <see cref="SoakLedger"/>.
/// </summary>
public sealed class BundleBidderProcesses : IAsyncDisposable
{
    public const int Postings = 4;
    public const int BundleSize = 3;
    public const int BundleWorkers = 2;
    public const int SingleProcesses = 3;
    public const int SingleWorkers = 4;

    private readonly List<TestHostProcess> _hosts;
    private readonly List<string> _holdFiles;

    private BundleBidderProcesses(SoakLedger ledger, List<TestHostProcess> hosts, List<string> holdFiles)
    {
        Ledger = ledger;
        _hosts = hosts;
        _holdFiles = holdFiles;
    }

    public SoakLedger Ledger { get; }

    /// <summary>Starts the bundle bidder (first) and the single bidders, and sets them all going at once.</summary>
    /// <param name="backend"><c>--db PATH</c> or <c>--redis-url URL</c>.</param>
    /// <param name="folder">An empty folder for the ledger and the hold logs.</param>
    /// <param name="timeout">Every call's timeout: far longer than the run, so a starved call shows as a long wait.</param>
    /// <param name="runFor">How long the run is meant to last; the processes stop by themselves well after it.</param>
    public static async Task<BundleBidderProcesses> StartAsync(string[] backend, string folder, TimeSpan timeout, TimeSpan runFor)
    {
        var ledger = SoakLedger.Create(Path.Combine(folder, "ledger"), Postings);
        var marketplace = "bundles-" + Guid.NewGuid().ToString("N");
        var safety = ((int)runFor.TotalSeconds + 300).ToString(CultureInfo.InvariantCulture);
        var bidders = new[] { (Bundle: BundleSize, Workers: BundleWorkers) }
            .Concat(Enumerable.Repeat((Bundle: 1, Workers: SingleWorkers), SingleProcesses))
            .ToList();
        var holdFiles = bidders.Select((_, index) => Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"holds-{index}.log"))).ToList();
        var hosts = bidders.Select((bidder, index) => TestHostProcess.Start(
        [
            "bundle-bidder", .. backend, "--marketplace", marketplace, "--ledger", ledger.Folder, "--holds", holdFiles[index],
            "--postings", Postings.ToString(CultureInfo.InvariantCulture), "--bundle", bidder.Bundle.ToString(CultureInfo.InvariantCulture),
            "--workers", bidder.Workers.ToString(CultureInfo.InvariantCulture),
            "--timeout-ms", ((int)timeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture), "--max-seconds", safety,
        ])).ToList();
        await ReadySetGo.StartTogetherAsync(hosts);
        return new BundleBidderProcesses(ledger, hosts, holdFiles);
    }

    /// <summary>Tells every process to stop, and returns what each did (the bundle bidder first) and every hold of the run.</summary>
    public async Task<(IReadOnlyList<BundleBidderSummary> Summaries, IReadOnlyList<BundleHold> Holds)> StopAsync()
    {
        foreach (var host in _hosts)
        {
            await host.WriteLineAsync("stop");
        }

        var summaries = new List<BundleBidderSummary>();
        foreach (var host in _hosts)
        {
            var line = await host.ReadLineAsync();
            Assert.StartsWith("done ", line, StringComparison.Ordinal);
            summaries.Add(JsonSerializer.Deserialize<BundleBidderSummary>(line["done ".Length..])!);
            Assert.Equal(0, await host.WaitForExitAsync());
        }

        var holds = _holdFiles.SelectMany(File.ReadLines).Select(BundleHold.Parse).ToList();
        return (summaries, holds);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }
    }
}
