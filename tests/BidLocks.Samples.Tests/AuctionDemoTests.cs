using System.Globalization;
using System.Text.RegularExpressions;

namespace BidLocks.Samples.Tests;

/// <summary>
/// The demo run as a user runs it, with its real bidder processes, SQLite lock and ledger: with the lock, no
/// duplicate bid; without it, duplicates; and the summary, exit codes and process handling around that.
/// </summary>
/// <remarks>
/// One class, so one xunit collection: its tests run one after another. Each runs several processes for seconds, and
/// side by side on a two-core machine they would only slow each other down.
/// </remarks>
public sealed partial class AuctionDemoTests
{
    /// <summary>
    /// Two postings for six bid loops in two processes: the bidders meet on the same posting all the time, so without
    /// the lock duplicates are certain even on a loaded machine, and with it the lock is really contended.
    /// </summary>
    private static readonly string[] Contended = ["--seconds", "3", "--processes", "2", "--workers", "3", "--postings", "2"];

    [Fact(Timeout = 180_000)]
    public async Task With_the_lock_no_bid_is_duplicated()
    {
        var run = await DemoProcess.RunAsync(Contended, TestContext.Current.CancellationToken);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.StartsWith("sqlite: ", run.Row("Lock backend"), StringComparison.Ordinal);
        Assert.Equal(0, run.Count("Duplicate bids"));
        Assert.True(run.Count("Bids placed") > 0, run.ToString());

        // No duplicate proves something only if the bidders did contend for the same locks.
        Assert.True(run.Count("Lock waits") > 0, "The bidders never waited for each other.\n" + run);
        Assert.Equal(0, run.Count("Lock timeouts"));
        Assert.Equal(0, run.Count("Errors"));
        Assert.Matches(@"^\d+ \.\. \d+, increasing with every round of every posting$", run.Row("Fencing tokens"));
        Assert.Matches(@"^p50 \d+\.\d+ ms, p99 \d+\.\d+ ms", run.Row("Acquire latency"));
        Assert.Matches(@"^\d+\.\d % of the run each posting was held by a running body", run.Row("Posting use"));
        Assert.Matches(@"^\d+\.\d % of the run some bidder wanted each posting; bodies ran \d+\.\d % of that", run.Row("Posting demand"));

        // Six workers on two postings: each posting is wanted nearly all the time, so bodies follow each other as hand-offs.
        Assert.Matches(@"^p50 \d+\.\d+ ms, p99 \d+\.\d+ ms .*: [1-9][\d,]* hand-offs;", run.Row("Hand-off gap"));
        Assert.Contains("OK: ", run.Stdout, StringComparison.Ordinal);

        // Both processes bid: the lock held between processes, not only between one process's threads.
        var bidders = run.BidderRows();
        Assert.Equal(2, bidders.Count);
        Assert.All(bidders, row => Assert.True(long.Parse(row[2], NumberStyles.AllowThousands, CultureInfo.InvariantCulture) > 0, run.ToString()));
        Assert.All(bidders, row => Assert.Equal("done", row[8]));
        Assert.Equal(0, run.RunFoldersLeft);
    }

    [Fact(Timeout = 180_000)]
    public async Task Without_the_lock_the_same_traffic_places_duplicate_bids()
    {
        // A longer marketplace latency widens the window between read and write: duplicates cannot fail to happen.
        var run = await DemoProcess.RunAsync([.. Contended, "--no-lock", "--latency-ms", "10"], TestContext.Current.CancellationToken);

        // Duplicates are the expected demonstration here, not a failure.
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.StartsWith("none: ", run.Row("Lock backend"), StringComparison.Ordinal);
        Assert.True(run.Count("Duplicate bids") > 0, "No duplicate bid without the lock.\n" + run);
        var betweenProcesses = BetweenProcesses().Match(run.Row("Duplicate bids"));
        Assert.True(betweenProcesses.Success, run.ToString());
        Assert.True(long.Parse(betweenProcesses.Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture) > 0, "No duplicate between processes.\n" + run);
        Assert.Equal("n/a (no lock)", run.Row("Lock waits"));
        Assert.Equal(0, run.Count("Errors"));
        Assert.Contains("Without the lock: ", run.Stdout, StringComparison.Ordinal);
    }

    [Fact(Timeout = 180_000)]
    public async Task Bundles_of_postings_in_random_order_place_no_duplicate_and_never_deadlock()
    {
        // Bundles of 3 out of 4 postings, each listed in random order: any two bundles share postings and often name
        // them in opposite orders, which one lock per posting taken in list order would deadlock on.
        var run = await DemoProcess.RunAsync(["--seconds", "3", "--processes", "2", "--workers", "3", "--postings", "4", "--bundle", "3"], TestContext.Current.CancellationToken);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("bundles of 3", run.Row("Bidders"), StringComparison.Ordinal);
        Assert.Equal(0, run.Count("Duplicate bids"));
        Assert.True(run.Count("Bids placed") > 0, run.ToString());
        Assert.True(run.Count("Lock waits") > 0, "The bundles never waited for each other.\n" + run);
        Assert.Equal(0, run.Count("Lock timeouts"));
        Assert.Equal(0, run.Count("Errors"));
        Assert.Matches(@"^\d+ \.\. \d+, increasing with every round of every posting$", run.Row("Fencing tokens"));
        Assert.Contains("OK: ", run.Stdout, StringComparison.Ordinal);
    }

    [Fact(Timeout = 180_000)]
    public async Task Bundles_without_the_lock_place_duplicate_bids()
    {
        var run = await DemoProcess.RunAsync(["--seconds", "3", "--processes", "2", "--workers", "3", "--postings", "4", "--bundle", "3", "--no-lock", "--latency-ms", "10"], TestContext.Current.CancellationToken);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(run.Count("Duplicate bids") > 0, "No duplicate bid without the lock.\n" + run);
    }

    [Fact(Timeout = 120_000)]
    public async Task Progress_is_plain_lines_when_stdout_is_not_a_terminal()
    {
        var run = await DemoProcess.RunAsync(["--seconds", "2", "--processes", "2", "--postings", "2"], TestContext.Current.CancellationToken);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.DoesNotContain('\u001b', run.Stdout);
        Assert.Matches(new Regex(@"^\[ *\d+\.\d s / 2\.0 s\] bidder  1 \(pid +\d+\) bidding +bids +[\d,]+ +waits +[\d,]+ +timeouts +\d+ +errors +\d+$", RegexOptions.Multiline), run.Stdout);
        Assert.Matches(new Regex(@"^\[ *\d+\.\d s / 2\.0 s\] bidder  2 \(pid +\d+\) ", RegexOptions.Multiline), run.Stdout);
    }

    [Theory(Timeout = 60_000)]
    [InlineData("--processes", "0")]
    [InlineData("--processes", "many")]
    [InlineData("--seconds", "-1")]
    [InlineData("--postings")]
    [InlineData("--workers", "65")]
    [InlineData("--latency-ms", "1.5")]
    [InlineData("--redis", "localhost:6379")]
    [InlineData("--no-lock=yes")]
    [InlineData("--bundle", "0")]
    [InlineData("--bundle", "65")]
    [InlineData("--bundle", "9", "--postings", "8")]
    [InlineData("--bogus")]
    [InlineData("postings")]
    [InlineData("--seconds=abc")]
    [InlineData("--latency-ms")]
    public async Task Bad_arguments_exit_with_code_2_and_a_clear_message(params string[] arguments)
    {
        var run = await DemoProcess.RunAsync(arguments, TestContext.Current.CancellationToken);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.StartsWith("error: ", run.Stderr, StringComparison.Ordinal);
        Assert.Contains(arguments[0].Split('=')[0], run.Stderr, StringComparison.Ordinal);
        Assert.Contains("--help", run.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, run.Stdout);
    }

    [Fact(Timeout = 60_000)]
    public async Task Help_lists_the_options()
    {
        var run = await DemoProcess.RunAsync(["--help"], TestContext.Current.CancellationToken);

        Assert.True(run.ExitCode == 0, run.ToString());
        foreach (var option in new[] { "--processes", "--workers", "--postings", "--seconds", "--latency-ms", "--bundle", "--no-lock", "--redis", "--keep", "--help" })
        {
            Assert.Contains(option, run.Stdout, StringComparison.Ordinal);
        }

        // The options the coordinator passes to its bidder processes are not for users.
        foreach (var hidden in new[] { "--worker ", "--run-dir", "--marketplace" })
        {
            Assert.DoesNotContain(hidden, run.Stdout, StringComparison.Ordinal);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task Settings_the_lock_cannot_meet_exit_with_code_2_before_any_bidder_starts()
    {
        var run = await DemoProcess.RunAsync(["--seconds", "1"], TestContext.Current.CancellationToken, new Dictionary<string, string> { ["DOTNET_ENVIRONMENT"] = "Production" });

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("DOTNET_ENVIRONMENT=Production requires Redis", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("started: pid", run.Stdout, StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task Bidders_exit_when_the_coordinator_is_killed()
    {
        await using var demo = DemoProcess.Start(["--seconds", "120", "--processes", "2"]);
        var pids = new List<int>();
        for (var instance = 1; instance <= 2; instance++)
        {
            var started = await demo.WaitForLineAsync(line => line.StartsWith($"bidder {instance} started: pid ", StringComparison.Ordinal), TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
            pids.Add(int.Parse(started.Split(' ')[^1], CultureInfo.InvariantCulture));
        }

        // Killed mid-run, while the bidders hold and wait for locks.
        await demo.WaitForLineAsync(line => line.Contains(" bidding ", StringComparison.Ordinal), TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        Assert.All(pids, pid => Assert.True(ProcessState.IsRunning(pid)));
        demo.KillHard();

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (pids.Any(ProcessState.IsRunning) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.True(!pids.Any(ProcessState.IsRunning), $"Bidders still running 30 s after their coordinator was killed: {string.Join(", ", pids.Where(ProcessState.IsRunning))}");
    }

    [Fact(Timeout = 120_000)]
    public async Task Ctrl_C_stops_the_bidders_early_and_still_prints_the_summary()
    {
        await using var demo = DemoProcess.Start(["--seconds", "120", "--processes", "2", "--postings", "2"]);
        await demo.WaitForLineAsync(line => line.Contains(" bidding ", StringComparison.Ordinal), TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        await demo.InterruptAsync(TestContext.Current.CancellationToken);
        var exitCode = await demo.WaitForExitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        var run = new DemoResult(exitCode, demo.Stdout, demo.Stderr, demo.RunFolders().Count);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(0, run.Count("Duplicate bids"));
        Assert.Equal(0, run.Count("Errors"));
        Assert.All(run.BidderRows(), row => Assert.Equal("done", row[8]));
        var seconds = double.Parse(Regex.Match(run.Row("Bidders"), @"postings, (\d+\.\d) s").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(seconds < 60, run.ToString());
        Assert.Equal(0, run.RunFoldersLeft);
    }

    [Fact(Timeout = 180_000)]
    public async Task With_redis_the_lock_is_in_Redis_and_its_password_is_never_shown()
    {
        const string Password = "auction-s3cret";
        await using var redis = await RedisServerProcess.StartAsync(Password);

        var run = await DemoProcess.RunAsync([.. Contended, "--redis", redis.Url], TestContext.Current.CancellationToken);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.StartsWith($"redis: USE_REDIS_LOCKS=true forces Redis at redis://", run.Row("Lock backend"), StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{redis.Port}", run.Row("Lock backend"), StringComparison.Ordinal);
        Assert.Equal(0, run.Count("Duplicate bids"));
        Assert.True(run.Count("Lock waits") > 0, run.ToString());
        Assert.Equal(0, run.Count("Lock timeouts"));
        Assert.Equal(0, run.Count("Errors"));
        Assert.DoesNotContain(Password, run.Stdout + run.Stderr, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"([\d,]+) of them between processes")]
    private static partial Regex BetweenProcesses();
}
