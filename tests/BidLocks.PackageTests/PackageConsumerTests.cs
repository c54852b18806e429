using System.IO.Compression;
using System.Xml.Linq;

namespace BidLocks.PackageTests;

public sealed class PackageConsumerTests(PackedBidLocks package)
{
    private const string LockedCounter = """
        using BidLocks;

        await using var manager = Backends.Create(args[0], args[1]);
        var ledger = new Ledger(manager);
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() => ledger.AddAsync("market", $"posting-{i % 4}", CancellationToken.None))));
        Console.WriteLine($"backend={manager.Backend} bids={ledger.Total} overlaps={ledger.Overlaps}");

        public partial class Ledger(IBidLockManager locks)
        {
            private readonly Dictionary<string, int> _counts = new();
            private readonly Dictionary<string, int> _inside = new();

            public int Overlaps;

            public int Total => _counts.Values.Sum();

            [BidLock("{marketplaceId}", "{postingId}", TimeoutSeconds = 60)]
            public partial Task AddAsync(string marketplaceId, string postingId, CancellationToken cancellationToken);

            // A read-modify-write split by a yield: two bodies on one posting at once would lose an update.
            private async Task AddAsyncCore(string marketplaceId, string postingId, CancellationToken cancellationToken, BidLockLease lease)
            {
                int seen;
                lock (_counts)
                {
                    if (_inside.GetValueOrDefault(postingId) > 0) Overlaps++;
                    _inside[postingId] = _inside.GetValueOrDefault(postingId) + 1;
                    seen = _counts.GetValueOrDefault(postingId);
                }

                await Task.Yield();
                lock (_counts)
                {
                    _counts[postingId] = seen + 1;
                    _inside[postingId]--;
                }
            }
        }

        public static class Backends
        {
            public static IBidLockManager Create(string name, string folder) => name switch
            {
                "in-memory" => new InMemoryBidLockManager(),
                "sqlite" => new SqliteBidLockManager(Path.Combine(folder, "locks.sqlite3")),
                _ => throw new ArgumentException("unknown backend " + name),
            };
        }
        """;

    [Fact]
    public void The_package_holds_the_runtime_the_generator_docs_and_readme_and_no_roslyn_dependency()
    {
        using var archive = ZipFile.OpenRead(package.PackagePath);
        var entries = archive.Entries.Select(entry => entry.FullName).ToHashSet();

        Assert.Contains("lib/net8.0/BidLocks.dll", entries);
        Assert.Contains("lib/net8.0/BidLocks.xml", entries);
        Assert.Contains("analyzers/dotnet/cs/BidLocks.Generators.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/BidLocks.CodeFixes.dll", entries);
        Assert.Contains("README.md", entries);

        using var nuspecStream = archive.Entries.Single(entry => entry.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        var nuspec = XDocument.Load(nuspecStream);
        var ns = nuspec.Root!.GetDefaultNamespace();
        var metadata = nuspec.Root.Element(ns + "metadata")!;
        Assert.Equal("MIT", metadata.Element(ns + "license")?.Value);
        Assert.Equal("README.md", metadata.Element(ns + "readme")?.Value);
        Assert.Equal(package.RepositoryUrl, metadata.Element(ns + "repository")?.Attribute("url")?.Value);
        Assert.Equal(package.RepositoryUrl, metadata.Element(ns + "projectUrl")?.Value);
        var dependencies = metadata.Descendants(ns + "dependency").Select(d => d.Attribute("id")!.Value).ToList();
        Assert.NotEmpty(dependencies);
        Assert.DoesNotContain(dependencies, id => id.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("in-memory")]
    [InlineData("sqlite")]
    public async Task A_consumer_with_only_a_package_reference_builds_and_its_bid_methods_lock(string backend)
    {
        var folder = package.CreateConsumer("Consumer" + backend.Replace("-", ""), LockedCounter);

        var run = await DotNetCli.RunAsync(folder, package.Environment, TestContext.Current.CancellationToken, "run", "--", backend, folder);

        run.EnsureSuccess();
        Assert.Contains($"backend={backend} bids=40 overlaps=0", run.Output);
    }

    [Fact]
    public async Task A_consumer_with_a_bad_template_fails_to_build()
    {
        var folder = package.CreateConsumer("BadTemplate", """
            using BidLocks;

            public partial class Bids(IBidLockManager locks)
            {
                [BidLock("{marketplace}", "{postingId}")]
                public partial Task PlaceAsync(string marketplaceId, string postingId);

                private Task PlaceAsyncCore(string marketplaceId, string postingId) => Task.CompletedTask;
            }
            """);

        var build = await DotNetCli.RunAsync(folder, package.Environment, TestContext.Current.CancellationToken, "build");

        // The analyzer says why, where the template was written; the compiler then refuses the unimplemented method.
        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains("error BL0003", build.Output);
        Assert.Contains("'marketplace'", build.Output);
        Assert.Contains("CS8795", build.Output);
        // The help link is made from the same RepositoryUrl as the package's metadata.
        Assert.Contains($"({package.RepositoryUrl}/blob/main/docs/diagnostics/BL0003.md)", build.Output);
    }
}
