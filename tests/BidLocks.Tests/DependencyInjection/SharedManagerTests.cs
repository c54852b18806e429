using BidLocks.Tests.Sqlite;

namespace BidLocks.Tests.DependencyInjection;

/// <summary>
/// A <c>[BidLock]</c> type without an <see cref="IBidLockManager"/> member uses
/// <see cref="BidLockManagerFactory.GetSharedAsync"/>; in a process where a host ran <c>AddBidLocks</c>, that must be
/// the container's manager, and any disagreement must fail loudly. The shared manager is process state, so each
/// scenario runs in a fresh child process (tests/BidLocks.TestHost <c>shared-manager</c>) whose BidLocks environment
/// variables are only the scenario's own.
/// </summary>
public sealed class SharedManagerTests : IDisposable
{
    private readonly TempDatabase _database = new();

    [Fact(Timeout = 120_000)]
    public async Task A_BidLock_type_without_a_manager_locks_with_the_containers_configured_backend()
    {
        var lines = await RunAsync(TestContext.Current.CancellationToken, "--db", _database.Path);

        Assert.Equal(["started", "bid locked-in-db=True same-manager=True"], lines);
    }

    [Fact(Timeout = 120_000)]
    public async Task A_shared_manager_made_from_the_environment_first_stops_a_host_configured_elsewhere()
    {
        var lines = await RunAsync(TestContext.Current.CancellationToken, "--db", _database.Path, "--env-db", _database.File("environment.db"), "--shared-first");

        var line = Assert.Single(lines);
        Assert.StartsWith("start-failed InvalidOperationException:", line);
        Assert.Contains(_database.Path, line);
        Assert.Contains(_database.File("environment.db"), line);
    }

    [Fact(Timeout = 120_000)]
    public async Task A_shared_manager_made_from_the_environment_first_lets_a_host_on_the_same_file_start()
    {
        var lines = await RunAsync(TestContext.Current.CancellationToken, "--db", _database.Path, "--env-db", _database.Path, "--shared-first");

        Assert.Equal("started", lines[0]);
        Assert.StartsWith("bid locked-in-db=True", lines[1]);
    }

    [Fact(Timeout = 120_000)]
    public async Task Two_containers_on_different_files_make_a_memberless_bid_fail_closed_naming_both()
    {
        var lines = await RunAsync(TestContext.Current.CancellationToken, "--db", _database.Path, "--second-db", _database.File("second.db"));

        Assert.Equal("started", lines[0]);
        Assert.StartsWith("bid-failed InvalidOperationException:", lines[1]);
        Assert.Contains(_database.Path, lines[1]);
        Assert.Contains(_database.File("second.db"), lines[1]);
        Assert.EndsWith("body-ran=False", lines[1]);
    }

    [Fact(Timeout = 120_000)]
    public async Task Without_a_container_the_shared_manager_is_one_instance_however_many_ask_at_once()
    {
        var lines = await RunAsync(TestContext.Current.CancellationToken, "--concurrent", "32", "--env-db", _database.Path);

        Assert.Equal(["distinct=1 backend=sqlite"], lines);
    }

    public void Dispose() => _database.Dispose();

    private static async Task<List<string>> RunAsync(CancellationToken cancellationToken, params string[] arguments)
    {
        await using var child = TestHostProcess.Start(["shared-manager", .. arguments]);
        var exitCode = await child.WaitForExitAsync();
        var lines = new List<string>();
        while (!cancellationToken.IsCancellationRequested && await ReadRemainingLineAsync(child) is { } line)
        {
            lines.Add(line);
        }

        Assert.True(exitCode == 0, $"The test host exited with {exitCode}. Its errors:\n{child.Errors}");
        return lines;
    }

    // After the child exited, its buffered output ends with end-of-stream, which TestHostProcess reports as an error.
    private static async Task<string?> ReadRemainingLineAsync(TestHostProcess child)
    {
        try
        {
            return await child.ReadLineAsync();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
