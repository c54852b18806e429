using System.Text.Json;

namespace BidLocks.PackageTests;

/// <summary>
/// The runtime targets net8.0, and a .NET 8 app that references it restores no 9.0 or 10.0 package
/// (Microsoft.Extensions.*, System.*): BidLocks asks for the lowest versions that have what it uses. The consumer is
/// built for net8.0 (the SDK fetches the 8.0 reference pack) and run on this machine's newer runtime by roll-forward,
/// as no .NET 8 runtime is installed here.
/// </summary>
public sealed class Net8ConsumerTests(PackedBidLocks package)
{
    private const string Program = """
        using BidLocks;

        await using var manager = new SqliteBidLockManager(Path.Combine(args[0], "locks.sqlite3"));
        var bids = new Bids(manager);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => bids.PlaceAsync("market", "posting", CancellationToken.None)));
        Console.WriteLine($"backend={manager.Backend} bids={bids.Count}");

        public partial class Bids(IBidLockManager locks)
        {
            public int Count;

            [BidLock("{marketplaceId}", "{postingId}", TimeoutSeconds = 60)]
            public partial Task PlaceAsync(string marketplaceId, string postingId, CancellationToken cancellationToken);

            private async Task PlaceAsyncCore(string marketplaceId, string postingId, CancellationToken cancellationToken)
            {
                var seen = Count;
                await Task.Yield();
                Count = seen + 1;
            }
        }
        """;

    [Fact]
    public async Task A_net8_consumer_restores_only_8_0_or_older_packages_and_locks()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var folder = package.CreateConsumer("Net8Consumer", Program, targetFramework: "net8.0");

        (await DotNetCli.RunAsync(folder, package.Environment, cancellationToken, "build")).EnsureSuccess();
        var environment = new Dictionary<string, string>(package.Environment) { ["DOTNET_ROLL_FORWARD"] = "Major" };
        var run = await DotNetCli.RunAsync(folder, environment, cancellationToken, "bin/Debug/net8.0/Net8Consumer.dll", folder);

        var packages = RestoredPackages(Path.Combine(folder, "obj", "project.assets.json"));
        Assert.Contains(packages, p => p.Id == "StackExchange.Redis");
        var tooNew = packages.Where(p => (p.Id.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal) || p.Id.StartsWith("System.", StringComparison.Ordinal) || p.Id.StartsWith("Microsoft.Data.", StringComparison.Ordinal))
            && p.Version.Major > 8).ToList();
        Assert.True(tooNew.Count == 0, "A .NET 8 app is pushed onto: " + string.Join(", ", tooNew));
        run.EnsureSuccess();
        Assert.Contains("backend=sqlite bids=8", run.Output);
    }

    private static List<(string Id, Version Version)> RestoredPackages(string assetsPath)
    {
        using var assets = JsonDocument.Parse(File.ReadAllText(assetsPath));
        return assets.RootElement.GetProperty("libraries").EnumerateObject()
            .Where(library => library.Value.GetProperty("type").GetString() == "package")
            .Select(library => library.Name.Split('/'))
            .Select(parts => (parts[0], Version.Parse(parts[1].Split('-')[0])))
            .ToList();
    }
}
