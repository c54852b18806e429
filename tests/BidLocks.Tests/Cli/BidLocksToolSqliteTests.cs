using System.Globalization;
using System.Text.Json;
using BidLocks.Tests.Sqlite;

namespace BidLocks.Tests.Cli;

/// <summary>The real <c>bidlocks</c> tool on real SQLite files, with the locks held by other processes.</summary>
public sealed class BidLocksToolSqliteTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDatabase _database = new();
    private readonly string _marketplace = "mkt-" + Guid.NewGuid().ToString("N");

    public void Dispose() => _database.Dispose();

    [Fact(Timeout = 120_000)]
    public async Task Watch_into_a_pipe_prints_each_refresh_once_as_a_table_of_its_own()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var holder = TestHostProcess.Start("hold", "--db", _database.Path, "--marketplace", _marketplace, "--posting", "watched", "--ttl-ms", "30000");
        await holder.ReadLineAsync();

        var piped = await BidLocksTool.RunAsync(cancel, "watch", "--sqlite", _database.Path, "--count", "3", "--interval", "0.2");
        output.WriteLine(piped.ToString());

        Assert.True(piped.ExitCode == 0, piped.ToString());
        // Three refreshes, three tables, each starting on a line of its own: no cursor movement a pipe cannot show.
        var headings = piped.Output.Split('\n').Where(line => line.Contains("held lock(s) on sqlite", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, headings.Count);
        Assert.All(headings, heading => Assert.StartsWith("1 held lock(s) on sqlite", heading.TrimStart(), StringComparison.Ordinal));
        Assert.DoesNotContain("\u001b[", piped.Output, StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task List_show_and_release_work_on_the_file_another_process_locks_in()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var holder = TestHostProcess.Start("hold", "--db", _database.Path, "--marketplace", _marketplace, "--posting", "lot 7", "--ttl-ms", "30000");
        var line = await holder.ReadLineAsync();
        var fence = long.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture);

        var table = await BidLocksTool.RunAsync(cancel, "list", "--sqlite", _database.Path);
        var shown = await BidLocksTool.RunAsync(cancel, "show", _marketplace, "lot 7", "--sqlite", _database.Path, "--json");
        var released = await BidLocksTool.RunAsync(cancel, "release", _marketplace, "lot 7", "--sqlite", _database.Path, "--force", "--json");
        var after = await BidLocksTool.RunAsync(cancel, "list", "--sqlite", _database.Path, "--json");
        output.WriteLine(table.ToString());

        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("1 held lock(s) on sqlite", table.Output);
        Assert.Contains("lot 7", table.Output);
        Assert.Contains("-" + holder.Id.ToString(CultureInfo.InvariantCulture), table.Output);
        Assert.Equal(0, shown.ExitCode);
        var info = JsonDocument.Parse(shown.Output).RootElement;
        Assert.Equal(fence, info.GetProperty("fencingToken").GetInt64());
        Assert.InRange(info.GetProperty("heldForSeconds").GetDouble(), 0, 60);
        Assert.True(released.ExitCode == 0, released.ToString());
        Assert.True(JsonDocument.Parse(released.Output).RootElement.GetProperty("fencingToken").GetInt64() > fence);
        Assert.Equal("[]", after.Output.Trim());
    }

    [Fact(Timeout = 120_000)]
    public async Task Status_follows_the_factory_rules_and_a_missing_file_is_an_error_not_a_new_file()
    {
        var cancel = TestContext.Current.CancellationToken;
        var environment = new Dictionary<string, string> { ["DOTNET_ENVIRONMENT"] = "Development", ["BIDLOCKS_SQLITE_PATH"] = _database.Path };
        var status = await BidLocksTool.RunAsync(cancel, environment, "status", "--json");
        var production = await BidLocksTool.RunAsync(cancel, new Dictionary<string, string> { ["DOTNET_ENVIRONMENT"] = "Production" }, "status");
        var missing = _database.File("typo.sqlite3");
        var absent = await BidLocksTool.RunAsync(cancel, "list", "--sqlite", missing);
        var usage = await BidLocksTool.RunAsync(cancel, "list", "--top", "0", "--sqlite", _database.Path);

        Assert.True(status.ExitCode == 0, status.ToString());
        var view = JsonDocument.Parse(status.Output).RootElement;
        Assert.Equal("sqlite", view.GetProperty("backend").GetString());
        Assert.Contains("DOTNET_ENVIRONMENT=Development", view.GetProperty("reason").GetString());
        Assert.Equal("Healthy", view.GetProperty("health").GetString());
        Assert.Equal(4, production.ExitCode);
        Assert.Contains("requires Redis", production.Errors);
        Assert.Equal(4, absent.ExitCode);
        Assert.Contains("no SQLite lock file", absent.Errors);
        Assert.False(File.Exists(missing));
        Assert.Equal(2, usage.ExitCode);
    }
}
