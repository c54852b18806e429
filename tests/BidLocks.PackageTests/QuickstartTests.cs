using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace BidLocks.PackageTests;

/// <summary>
/// The README's Quickstart, extracted from README.md as a newcomer pastes it, builds as a web
/// project against the packed package (warnings as errors) and runs: a bid is placed, <c>/health</c> answers, a
/// posting held by another process answers 409 and a lock file held by another writer answers 503, both as
/// ProblemDetails. The other process is a second consumer of the package, on the same SQLite file.
/// </summary>
public sealed class QuickstartTests(PackedBidLocks package)
{
    private const string Blocker = """
        using BidLocks;
        using Microsoft.Data.Sqlite;

        // "lock": holds the bid lock on (marketplace, posting). "write": holds the file's write lock, as a stuck writer would.
        // Either until stdin closes.
        if (args[0] == "lock")
        {
            await using var manager = new SqliteBidLockManager(args[1]);
            await using var lease = await manager.AcquireAsync(args[2], args[3]);
            Console.WriteLine("blocking");
            Console.ReadLine();
        }
        else
        {
            await using var connection = new SqliteConnection($"Data Source={args[1]}");
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "BEGIN IMMEDIATE";
            await command.ExecuteNonQueryAsync();
            Console.WriteLine("blocking");
            Console.ReadLine();
        }
        """;

    [Fact]
    public async Task The_README_quickstart_builds_as_pasted_and_answers_bids_health_409_and_503()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var app = package.CreateConsumer("Quickstart", ReadmeBlocks.CSharpUnder("## Quickstart"), sdk: "Microsoft.NET.Sdk.Web");
        var blocker = package.CreateConsumer("Blocker", Blocker);
        (await DotNetCli.RunAsync(app, package.Environment, cancellationToken, "build")).EnsureSuccess();
        (await DotNetCli.RunAsync(blocker, package.Environment, cancellationToken, "build")).EnsureSuccess();
        var database = Path.Combine(app, "locks.sqlite3");
        var port = FreeLoopbackPort();
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["BidLocks__SqlitePath"] = database,
            // A stuck writer is noticed after a second rather than the default five.
            ["BidLocks__SqliteBusyTimeout"] = "00:00:01",
        };
        await using var server = ConsumerProcess.Start(Path.Combine(app, "bin/Debug/net10.0/Quickstart.dll"), environment);
        await server.WaitForLineAsync("Application started", cancellationToken);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        var placed = await http.PostAsJsonAsync("/marketplaces/ebay/postings/42/bids", new { amount = 10m }, cancellationToken);
        var receipt = await placed.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        var health = await http.GetAsync("/health", cancellationToken);

        Assert.True(placed.StatusCode == HttpStatusCode.OK, $"{placed.StatusCode}: {receipt}\n{server.Output}");
        Assert.Equal("42", receipt.GetProperty("postingId").GetString());
        Assert.True(receipt.GetProperty("fencingToken").GetInt64() > 0);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var report = await health.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        Assert.Equal("Healthy", report.GetProperty("status").GetString());
        Assert.Equal("sqlite", report.GetProperty("checks").GetProperty("bidlocks").GetProperty("backend").GetString());

        await using (var holder = ConsumerProcess.Start(Path.Combine(blocker, "bin/Debug/net10.0/Blocker.dll"), new Dictionary<string, string>(), "lock", database, "ebay", "43"))
        {
            await holder.WaitForLineAsync("blocking", cancellationToken);
            var conflict = await http.PostAsJsonAsync("/marketplaces/ebay/postings/43/bids", new { amount = 11m }, cancellationToken);
            await AssertProblemAsync(conflict, HttpStatusCode.Conflict, "Another bid on this posting is in progress", cancellationToken);
        }

        await using (var writer = ConsumerProcess.Start(Path.Combine(blocker, "bin/Debug/net10.0/Blocker.dll"), new Dictionary<string, string>(), "write", database))
        {
            await writer.WaitForLineAsync("blocking", cancellationToken);
            var unavailable = await http.PostAsJsonAsync("/marketplaces/ebay/postings/44/bids", new { amount = 12m }, cancellationToken);
            await AssertProblemAsync(unavailable, HttpStatusCode.ServiceUnavailable, "Bidding is unavailable", cancellationToken);
        }

        Assert.DoesNotContain("   at ", await (await http.PostAsJsonAsync("/marketplaces/ebay/postings/45/bids", new { amount = 13m }, cancellationToken)).Content.ReadAsStringAsync(cancellationToken));
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string title, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.StatusCode == status, $"{response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.StartsWith(title, problem.GetProperty("title").GetString());
        Assert.DoesNotContain("   at ", body);
    }

    private static int FreeLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
