using System.Diagnostics;
using BidLocks.Samples.Auction.CommandLine;
using BidLocks.Samples.Auction.Ledger;
using BidLocks.Samples.Auction.Reporting;
using BidLocks.Samples.Auction.Usage;

namespace BidLocks.Samples.Auction.Coordination;

/// <summary>
/// The process the user starts: prepares the run (folder, ledger, lock backend), starts the bidder processes, starts
/// them bidding at the same moment, shows their progress, then audits the ledger and prints the summary.
/// </summary>
internal static class AuctionCoordinator
{
    /// <summary>How long the bidders may take to start and open the lock (a cold start on a busy machine is slow).</summary>
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(120);

    /// <summary>How long after the end of the run a bidder may take to report before it is killed: the run stays bounded.</summary>
    private static readonly TimeSpan FinishGrace = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1);

    private const string SqlitePathVariable = "BIDLOCKS_SQLITE_PATH";

    public static async Task<int> RunAsync(AuctionSettings options)
    {
        using var interrupts = Interrupts.Listen();
        var folder = RunFolder.Create();
        var bidders = new List<BidderProcess>();
        try
        {
            var (demoSetSqlitePath, demoSetEnvironment) = PrepareEnvironment(options, folder);
            MarketplaceLedger.Create(folder.LedgerPath);

            var (backend, reason, warning, exitCode) = await OpenBackendAsync(options).ConfigureAwait(false);
            if (exitCode is { } failed)
            {
                return failed;
            }

            var notes = new List<string>();
            if (options.RedisUrl is not null)
            {
                notes.Add("--redis set REDIS_URL and USE_REDIS_LOCKS=true for this run");
            }

            if (demoSetEnvironment)
            {
                notes.Add("no environment was set, so the demo declared DOTNET_ENVIRONMENT=Development (unset means Production, which requires Redis)");
            }

            if (backend == "sqlite" && demoSetSqlitePath)
            {
                notes.Add($"{SqlitePathVariable} was unset, so the demo set it to this run's own file: runs never share locks");
            }

            Console.WriteLine(
                $"BidLocks auction demo: {options.Processes} bidder processes x {options.Workers} workers on {options.Postings} postings{(options.Bundle > 1 ? $" (bundles of {options.Bundle})" : string.Empty)} for {Numbers.Seconds(options.Seconds)} s, "
                + (options.NoLock ? "WITHOUT a lock (--no-lock)" : $"bids through [BidLock] (lock backend: {backend})"));

            var marketplaceId = "auction-" + folder.RunId;
            for (var instance = 1; instance <= options.Processes; instance++)
            {
                var bidder = BidderProcess.Start(instance, options.BidderArguments(instance, folder.Path, marketplaceId));
                bidders.Add(bidder);
                Console.WriteLine($"bidder {instance} started: pid {bidder.ProcessId}");
            }

            if (!await AllReadyAsync(bidders, interrupts).ConfigureAwait(false))
            {
                return interrupts.IsStopping ? 130 : 1;
            }

            // Backends are chosen per process; all must agree, or two of them would lock in different places.
            var backends = bidders.Select(b => b.Ready!.Backend).Distinct().ToList();
            if (backends.Count > 1)
            {
                notes.Add("WARNING: the bidders chose different backends: " + string.Join(", ", bidders.Select(b => $"bidder {b.Instance}: {b.Ready!.Backend} ({b.Ready.Reason})")));
            }

            // All at once, so that every bidder competes with every other for the whole run.
            foreach (var bidder in bidders)
            {
                bidder.Send(CoordinatorCommands.Start);
            }

            var elapsed = await WatchAsync(options, bidders, interrupts).ConfigureAwait(false);
            var audit = LedgerAudit.Run(folder.LedgerPath);
            var use = PostingUse.Measure(BodyLog.ReadAll(folder.Path), options.Postings);
            var report = new RunReport(options, backend, reason, warning, notes, elapsed, audit, bidders, use, options.Keep ? folder.Path : null);
            SummaryTable.Print(report);
            return report.Failures.Count == 0 && backends.Count == 1 ? 0 : 1;
        }
        finally
        {
            foreach (var bidder in bidders)
            {
                if (!bidder.Completion.IsCompleted)
                {
                    bidder.Kill("stopped by the coordinator");
                }

                bidder.Dispose();
            }

            if (!options.Keep)
            {
                folder.Delete();
            }
        }
    }

    /// <summary>
    /// Makes the settings the bidders inherit. Returns whether the demo chose the SQLite file itself (by default each run
    /// gets its own, so that a run never waits on locks left by another, or by the test suite) and whether it declared
    /// the environment: a demo runs on a developer's machine, and with no environment at all BidLocks, like .NET's
    /// hosts, assumes Production and requires Redis. A Production set by the caller stays Production.
    /// </summary>
    private static (bool SqlitePath, bool Environment) PrepareEnvironment(AuctionSettings options, RunFolder folder)
    {
        var declareDevelopment = string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT"))
            && string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT"));
        if (declareDevelopment)
        {
            Environment.SetEnvironmentVariable("DOTNET_ENVIRONMENT", "Development");
        }

        if (options.RedisUrl is { } url)
        {
            // Through the environment rather than the bidders' arguments: a URL may hold a password, and any user of
            // the host can read a process's arguments. USE_REDIS_LOCKS=true: asked for Redis, never fall back.
            Environment.SetEnvironmentVariable("REDIS_URL", url);
            Environment.SetEnvironmentVariable("USE_REDIS_LOCKS", "true");
        }

        if (!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(SqlitePathVariable)))
        {
            return (false, declareDevelopment);
        }

        Environment.SetEnvironmentVariable(SqlitePathVariable, folder.LockDatabasePath);
        return (true, declareDevelopment);
    }

    /// <summary>
    /// Opens the lock once in the coordinator, as the bidders will: a wrong setting (Production without Redis, an
    /// unreachable Redis, a bad URL) is reported once, before any bidder starts, and the summary can say why this backend.
    /// </summary>
    private static async Task<(string Backend, string Reason, string? Warning, int? ExitCode)> OpenBackendAsync(AuctionSettings options)
    {
        if (options.NoLock)
        {
            return ("none", "--no-lock", null, null);
        }

        try
        {
            var opened = await LockBackend.OpenAsync("auction-coordinator", CancellationToken.None).ConfigureAwait(false);
            await opened.Manager.DisposeAsync().ConfigureAwait(false);
            return (opened.Manager.Backend, opened.Reason, opened.Warning, null);
        }
        catch (Exception exception) when (exception is FormatException or ArgumentException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync($"error: the lock settings are not usable: {exception.Message}").ConfigureAwait(false);
            return (string.Empty, string.Empty, null, 2);
        }
        catch (BidLockUnavailableException exception)
        {
            await Console.Error.WriteLineAsync($"error: the lock backend is unavailable: {exception.Message}").ConfigureAwait(false);
            return (string.Empty, string.Empty, null, 1);
        }
    }

    private static async Task<bool> AllReadyAsync(IReadOnlyList<BidderProcess> bidders, Interrupts interrupts)
    {
        var allReady = Task.WhenAll(bidders.Select(b => b.ReadyTask));
        var first = await Task.WhenAny(allReady, interrupts.Stopping, Task.Delay(ReadyTimeout)).ConfigureAwait(false);
        if (first == allReady && allReady.IsCompletedSuccessfully)
        {
            return true;
        }

        var why = first == interrupts.Stopping ? "interrupted" : first == allReady ? "a bidder failed to start" : $"not every bidder was ready within {ReadyTimeout.TotalSeconds} s";
        await Console.Error.WriteLineAsync($"error: {why}").ConfigureAwait(false);
        foreach (var bidder in bidders)
        {
            bidder.Kill("did not start");
        }

        await Task.WhenAll(bidders.Select(b => b.Completion)).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        foreach (var bidder in bidders.Where(b => b.Ready is null || b.Latest?.Type == BidderMessage.Failed))
        {
            var errors = bidder.Errors;
            await Console.Error.WriteLineAsync($"  bidder {bidder.Instance}: {bidder.Latest?.Error ?? bidder.Failure ?? "not ready"}{(errors.Length > 0 ? Environment.NewLine + errors : string.Empty)}").ConfigureAwait(false);
        }

        return false;
    }

    /// <summary>Shows progress until every bidder has ended; returns how long they bid.</summary>
    private static async Task<TimeSpan> WatchAsync(AuctionSettings options, IReadOnlyList<BidderProcess> bidders, Interrupts interrupts)
    {
        var display = ProgressDisplay.ForConsole(locked: !options.NoLock);
        var clock = Stopwatch.StartNew();
        var runLength = TimeSpan.FromSeconds(options.Seconds);
        var stoppedAt = (TimeSpan?)null;
        var allEnded = Task.WhenAll(bidders.Select(b => b.Completion));
        while (!allEnded.IsCompleted)
        {
            await Task.WhenAny(allEnded, Task.Delay(RefreshInterval), stoppedAt is null ? interrupts.Stopping : Task.Delay(Timeout.Infinite)).ConfigureAwait(false);
            if (interrupts.IsStopping && stoppedAt is null)
            {
                stoppedAt = clock.Elapsed;
                foreach (var bidder in bidders)
                {
                    bidder.Send(CoordinatorCommands.Stop);
                }

                display.StartNewBlock();
            }

            display.Render(bidders, clock.Elapsed < runLength ? clock.Elapsed : runLength, options.Seconds);
            if (clock.Elapsed > runLength + FinishGrace)
            {
                foreach (var bidder in bidders.Where(b => !b.Completion.IsCompleted))
                {
                    bidder.Kill($"still running {FinishGrace.TotalSeconds} s after the end of the run");
                }
            }
        }

        await allEnded.ConfigureAwait(false);
        var bidding = stoppedAt ?? clock.Elapsed;
        return bidding < runLength ? bidding : runLength;
    }
}
