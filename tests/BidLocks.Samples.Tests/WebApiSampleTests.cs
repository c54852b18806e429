using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;

namespace BidLocks.Samples.Tests;

/// <summary>
/// The web sample as a user runs it: two instances on one lock backend (a SQLite file, or Redis), several HTTP clients
/// bidding on the same postings at once through both. No two bids on one posting are ever placed at the same time
/// (checked from the receipts of both instances, and by each instance's marketplace), fences rise in placing order,
/// /health is Healthy, and /metrics shows the lock counters moving.
/// </summary>
public sealed partial class WebApiSampleTests(ITestOutputHelper output) : IDisposable
{
    private const int Clients = 6;
    private const int BidsPerClient = 12;
    private static readonly string[] Postings = ["p-1", "p-2", "p-3"];
    private readonly string _folder = Directory.CreateTempSubdirectory("bidlocks-webapi-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact(Timeout = 180_000)]
    public async Task Two_instances_on_one_SQLite_file_place_concurrent_bids_without_a_duplicate()
    {
        var environment = new Dictionary<string, string>
        {
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["BIDLOCKS_SQLITE_PATH"] = Path.Combine(_folder, "locks.sqlite3"),
        };
        await BidThroughTwoInstancesAsync(environment, "sqlite", TestContext.Current.CancellationToken);
    }

    [Fact(Timeout = 180_000)]
    public async Task Two_instances_on_one_Redis_place_concurrent_bids_without_a_duplicate()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var redis = await RedisServerProcess.StartAsync("web-Pa55");
        var environment = new Dictionary<string, string> { ["DOTNET_ENVIRONMENT"] = "Production", ["REDIS_URL"] = redis.Url };
        await BidThroughTwoInstancesAsync(environment, "redis", cancel);
    }

    private async Task BidThroughTwoInstancesAsync(Dictionary<string, string> environment, string backend, CancellationToken cancel)
    {
        await using var one = await WebApiProcess.StartAsync(environment, cancel);
        await using var two = await WebApiProcess.StartAsync(environment, cancel);
        var before = await SuccessesAsync(one) + await SuccessesAsync(two);

        // Several clients, each on its own connection, alternating between the instances and the postings.
        var instances = new[] { one, two };
        var bids = Enumerable.Range(0, Clients).Select(client => Task.Run(async () =>
        {
            var receipts = new List<Receipt>();
            for (var i = 0; i < BidsPerClient; i++)
            {
                var instance = instances[(client + i) % 2];
                var posting = Postings[(client + i) % Postings.Length];
                var response = await instance.Client.PostAsJsonAsync($"/postings/{posting}/bids", new { bidder = $"client-{client}", amount = i + 1 }, cancel);
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync(cancel)}");
                receipts.Add((await response.Content.ReadFromJsonAsync<Receipt>(cancel))!);
            }

            return receipts;
        }, cancel));
        var all = (await Task.WhenAll(bids)).SelectMany(receipts => receipts).ToList();

        Assert.Equal(Clients * BidsPerClient, all.Count);
        var overlaps = 0;
        foreach (var posting in all.GroupBy(receipt => receipt.PostingId))
        {
            var inOrder = posting.OrderBy(receipt => receipt.Started).ToList();
            for (var i = 1; i < inOrder.Count; i++)
            {
                // The next bid on a posting starts only after the one before it finished, and carries a higher fence.
                if (inOrder[i].Started < inOrder[i - 1].Finished)
                {
                    overlaps++;
                }

                Assert.True(inOrder[i].FencingToken > inOrder[i - 1].FencingToken, $"{posting.Key}: fence {inOrder[i].FencingToken} after {inOrder[i - 1].FencingToken}");
            }
        }

        Assert.Equal(0, overlaps);
        Assert.Equal(2, all.Select(receipt => receipt.Instance).Distinct().Count());
        foreach (var instance in instances)
        {
            var ledger = await instance.Client.GetFromJsonAsync<Ledger>("/ledger", cancel);
            Assert.Equal(0, ledger!.Duplicates);
            Assert.Equal(0, ledger.StaleFences);
            Assert.Equal("Healthy", System.Text.Json.JsonDocument.Parse(await instance.Client.GetStringAsync("/health", cancel)).RootElement.GetProperty("status").GetString());
        }

        var metrics = await one.Client.GetStringAsync("/metrics", cancel);
        var after = await SuccessesAsync(one) + await SuccessesAsync(two);
        output.WriteLine($"{all.Count} bids on {backend} through two instances: 0 overlaps; lock successes {before} -> {after}");
        Assert.Equal(all.Count, after - before);
        Assert.Matches($"bidlocks_lock_wait_duration_seconds_count\\{{[^}}]*bidlocks_backend=\"{backend}\"[^}}]*\\}} [1-9]", metrics);
        Assert.Matches($"bidlocks_lock_hold_duration_seconds_count\\{{[^}}]*bidlocks_backend=\"{backend}\"[^}}]*\\}} [1-9]", metrics);
        Assert.Matches($"bidlocks_lock_conflicts_total\\{{[^}}]*bidlocks_backend=\"{backend}\"[^}}]*\\}} [1-9]", metrics);
        Assert.Contains("bidlocks_lease_active", metrics);
        Assert.Contains("bidlocks_lease_longest_hold_seconds", metrics);
        Assert.DoesNotContain("web-Pa55", one.Log + two.Log);
    }

    /// <summary>The instance's <c>bidlocks_lock_successes_total</c>, summed over its series; 0 before the first lock.</summary>
    private static async Task<long> SuccessesAsync(WebApiProcess instance)
    {
        var text = await instance.Client.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
        return SuccessesLine().Matches(text).Sum(match => long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"^bidlocks_lock_successes_total\{[^}]*\} (\d+)", RegexOptions.Multiline)]
    private static partial Regex SuccessesLine();

    private sealed record Receipt(string PostingId, string Bidder, decimal Amount, long FencingToken, DateTimeOffset Started, DateTimeOffset Finished, string Instance);

    private sealed record Ledger(long Bids, long Duplicates, long StaleFences, int Postings);
}
