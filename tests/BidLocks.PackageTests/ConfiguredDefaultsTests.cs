using System.Globalization;
using System.Text.RegularExpressions;

namespace BidLocks.PackageTests;

/// <summary>
/// A host that sets <c>BidLocks:DefaultTimeout</c> and
/// <c>BidLocks:DefaultTtl</c> in appsettings.json and calls <c>AddBidLocks(builder.Configuration)</c>. Its
/// <c>[BidLock]</c> method names no timing, so the generated wrapper must wait the configured 0.3 s (not the 10 s
/// once compiled in) and take a lease of the configured 15 s (not 30 s).
/// </summary>
public sealed partial class ConfiguredDefaultsTests(PackedBidLocks package)
{
    private const string Program = """
        using System.Diagnostics;
        using System.Globalization;
        using BidLocks;
        using Microsoft.Extensions.DependencyInjection;
        using Microsoft.Extensions.Hosting;

        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        var builder = Host.CreateApplicationBuilder(args);
        builder.Services.AddBidLocks(builder.Configuration);
        builder.Services.AddSingleton<Bids>();
        using var host = builder.Build();
        await host.StartAsync();
        var bids = host.Services.GetRequiredService<Bids>();

        var before = DateTimeOffset.UtcNow;
        var (expiresAt, seenAt) = await bids.PlaceAsync("market", "posting-1", CancellationToken.None);
        // The lease's expiry was set between the two clock readings, so its time to live lies between these.
        Console.WriteLine($"lease ttl between {(expiresAt - seenAt).TotalSeconds:0.000} and {(expiresAt - before).TotalSeconds:0.000} s");

        // Another manager on the same file holds the posting, as another instance of the service would.
        await using var other = new SqliteBidLockManager(builder.Configuration["BidLocks:SqlitePath"]!);
        await using var held = await other.AcquireAsync("market", "posting-2", TimeSpan.Zero);
        var watch = Stopwatch.StartNew();
        try
        {
            await bids.PlaceAsync("market", "posting-2", CancellationToken.None);
            Console.WriteLine("the bid ran while another holder had the lock");
        }
        catch (BidLockTimeoutException timeout)
        {
            Console.WriteLine($"timed out after {watch.Elapsed.TotalSeconds:0.000} s, waiting {timeout.Timeout.TotalSeconds:0.000} s");
        }

        await host.StopAsync();

        public partial class Bids(IBidLockManager locks)
        {
            [BidLock("{marketplaceId}", "{postingId}")]
            public partial Task<(DateTimeOffset ExpiresAt, DateTimeOffset SeenAt)> PlaceAsync(string marketplaceId, string postingId, CancellationToken cancellationToken);

            private Task<(DateTimeOffset ExpiresAt, DateTimeOffset SeenAt)> PlaceAsyncCore(string marketplaceId, string postingId, CancellationToken cancellationToken, BidLockLease lease)
                => Task.FromResult((lease.ExpiresAt, DateTimeOffset.UtcNow));
        }
        """;

    private const string AppSettings = """
        { "BidLocks": { "DefaultTimeout": "00:00:00.300", "DefaultTtl": "00:00:15" } }
        """;

    [Fact]
    public async Task A_BidLock_method_follows_the_DefaultTimeout_and_DefaultTtl_of_appsettings()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var folder = package.CreateConsumer("ConfiguredDefaults", Program, sdk: "Microsoft.NET.Sdk.Web");
        File.WriteAllText(Path.Combine(folder, "appsettings.json"), AppSettings);
        var environment = new Dictionary<string, string>(package.Environment)
        {
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["BidLocks__SqlitePath"] = Path.Combine(folder, "locks.sqlite3"),
        };

        var run = await DotNetCli.RunAsync(folder, environment, cancellationToken, "run");

        run.EnsureSuccess();
        var timeout = TimedOut().Match(run.Output);
        Assert.True(timeout.Success, run.Output);
        Assert.True(timeout.Groups["waiting"].Value == "0.300", "The wrapper did not wait the configured 0.3 s:\n" + run.Output);
        // Generous for a loaded machine, yet far below the 10 s the wrapper used to wait.
        Assert.True(Seconds(timeout.Groups["elapsed"]) < 5, run.Output);
        var ttl = LeaseTtl().Match(run.Output);
        Assert.True(ttl.Success, run.Output);
        // SQLite keeps the expiry in whole milliseconds: the upper bound may fall short of 15 s by one.
        Assert.True(Seconds(ttl.Groups["lower"]) <= 15 && 15 <= Seconds(ttl.Groups["upper"]) + 0.001, "The lease's TTL is not the configured 15 s:\n" + run.Output);
    }

    private static double Seconds(Group group) => double.Parse(group.Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"lease ttl between (?<lower>[0-9.]+) and (?<upper>[0-9.]+) s")]
    private static partial Regex LeaseTtl();

    [GeneratedRegex(@"timed out after (?<elapsed>[0-9.]+) s, waiting (?<waiting>[0-9.]+) s")]
    private static partial Regex TimedOut();
}
