using System.Net;
using System.Net.Http.Json;

namespace BidLocks.Samples.Tests;

/// <summary>
/// Through HTTP as an API client meets them: a bid whose lock is force-released while it runs
/// answers 409 naming who broke it (not 500), and bad ids answer 400 naming the argument (not 500).
/// </summary>
public sealed class WebApiErrorTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("bidlocks-webapi-errors-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Database => Path.Combine(_folder, "locks.sqlite3");

    private Dictionary<string, string> Environment(string placingMilliseconds = "20") => new()
    {
        ["DOTNET_ENVIRONMENT"] = "Development",
        ["ASPNETCORE_ENVIRONMENT"] = "Development",
        ["BIDLOCKS_SQLITE_PATH"] = Database,
        ["Sample__PlacingMilliseconds"] = placingMilliseconds,
        // Renewed every third of a second, so the holder finds its lock broken soon after the break.
        ["BidLocks__DefaultTtl"] = "00:00:01",
    };

    [Fact(Timeout = 180_000)]
    public async Task A_bid_whose_lock_is_force_released_while_it_runs_answers_409_naming_who_broke_it()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var app = await WebApiProcess.StartAsync(Environment(placingMilliseconds: "600000"), cancel);
        await using var operatorSide = new SqliteBidLockManager(Database);

        var bid = app.Client.PostAsJsonAsync("/postings/p-forced/bids", new { bidder = "alice", amount = 10 }, cancel);
        // Inspection has no event to wait on: asked again until the bid holds the posting.
        while (await operatorSide.InspectAsync("ebay", "p-forced", cancel) is null)
        {
            Assert.False(bid.IsCompleted, bid.IsCompleted ? $"the bid ended first: {(await bid).StatusCode}" : null);
            await Task.Delay(50, cancel);
        }

        Assert.NotNull(await operatorSide.ForceReleaseAsync("ebay", "p-forced", "ops@test (reason: web test)", cancel));
        var response = await bid;
        var body = await response.Content.ReadAsStringAsync(cancel);

        Assert.True(response.StatusCode == HttpStatusCode.Conflict, $"{response.StatusCode}: {body}");
        Assert.Contains("force-released by ops@test (reason: web test)", body);
        Assert.Contains("outcome is unknown", body);
        Assert.Contains("force-released by ops@test (reason: web test)", app.Log);
    }

    public static TheoryData<string, string, string> BadPostings => new()
    {
        { "white space only", "/postings/%20%20%20/bids", "postingId" },
        { "257 characters", "/postings/" + new string('x', 257) + "/bids", "postingId" },
        { "leading white space", "/postings/%20P-77/bids", "postingId" },
        { "trailing white space", "/postings/P-77%20/bids", "postingId" },
    };

    [Theory(Timeout = 180_000)]
    [MemberData(nameof(BadPostings))]
    public async Task A_bad_posting_id_answers_400_naming_the_argument(string what, string path, string argument)
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var app = await WebApiProcess.StartAsync(Environment(), cancel);

        var response = await app.Client.PostAsJsonAsync(path, new { bidder = "alice", amount = 10 }, cancel);
        var body = await response.Content.ReadAsStringAsync(cancel);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{what}: {response.StatusCode}: {body}");
        Assert.Contains($"(Parameter '{argument}')", body);
    }

    [Fact(Timeout = 180_000)]
    public async Task A_bad_bundle_answers_400_naming_the_argument_and_a_good_one_is_placed()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var app = await WebApiProcess.StartAsync(Environment(), cancel);

        var bad = new (string What, object Bundle, string Argument)[]
        {
            ("empty bundle", new { postingIds = Array.Empty<string>(), bidder = "alice", amount = 10 }, "postingIds"),
            ("null element", new { postingIds = new[] { "p-1", null }, bidder = "alice", amount = 10 }, "postingIds[]"),
            ("1 MB id", new { postingIds = new[] { new string('x', 1 << 20) }, bidder = "alice", amount = 10 }, "postingIds"),
            ("leading white space", new { postingIds = new[] { "p-1", " P-77" }, bidder = "alice", amount = 10 }, "postingIds"),
        };
        foreach (var (what, bundle, argument) in bad)
        {
            var response = await app.Client.PostAsJsonAsync("/bundles/bids", bundle, cancel);
            var body = await response.Content.ReadAsStringAsync(cancel);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{what}: {response.StatusCode}: {body[..Math.Min(body.Length, 2000)]}");
            Assert.Contains($"(Parameter '{argument}')", body);
        }

        var placed = await app.Client.PostAsJsonAsync("/bundles/bids", new { postingIds = new[] { "p-1", "p-2" }, bidder = "alice", amount = 10 }, cancel);
        Assert.Equal(HttpStatusCode.OK, placed.StatusCode);
    }
}
