using BidLocks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace BidLocks.TestHost;

/// <summary>
/// What a <c>[BidLock]</c> type without an <see cref="IBidLockManager"/> member locks with, in a process where a host
/// ran <c>AddBidLocks</c>. It uses <see cref="BidLockManagerFactory.GetSharedAsync"/>, which is process state: each
/// scenario runs in a fresh process, and the process environment is cleared of every BidLocks variable first so that
/// only the scenario's settings count.
/// </summary>
/// <remarks>
/// <c>--db PATH</c>: the host's configuration sets <c>BidLocks:SqlitePath</c> (host environment Development).
/// <c>--env-db PATH</c>: the process environment says Development and <c>BIDLOCKS_SQLITE_PATH=PATH</c>.
/// <c>--shared-first</c>: <c>GetSharedAsync</c> is called before the host starts.
/// <c>--second-db PATH</c>: a second host, configured with another file, starts too.
/// <c>--concurrent N</c>: only asks for the shared manager N times at once and prints how many distinct ones came back.
/// Prints one line per step: <c>started</c> or <c>start-failed …</c>, then <c>bid …</c> or <c>bid-failed …</c>.
/// </remarks>
internal static class SharedManager
{
    private static readonly string[] BidLocksVariables =
        ["USE_REDIS_LOCKS", "REDIS_URL", "REDIS_HOST", "REDIS_PORT", "REDIS_DB", "REDIS_PASSWORD", "DOTNET_ENVIRONMENT", "ASPNETCORE_ENVIRONMENT", "BIDLOCKS_SQLITE_PATH"];

    public static async Task<int> RunAsync(Arguments arguments)
    {
        foreach (var variable in BidLocksVariables)
        {
            Environment.SetEnvironmentVariable(variable, null);
        }

        if (arguments.Optional("env-db") is { } environmentDatabase)
        {
            Environment.SetEnvironmentVariable("DOTNET_ENVIRONMENT", "Development");
            Environment.SetEnvironmentVariable("BIDLOCKS_SQLITE_PATH", environmentDatabase);
        }

        if (arguments.Optional("concurrent") is not null)
        {
            var count = arguments.Number("concurrent");
            var managers = await Task.WhenAll(Enumerable.Range(0, count).Select(_ => Task.Run(async () => await BidLockManagerFactory.GetSharedAsync())));
            Console.WriteLine($"distinct={managers.Distinct().Count()} backend={managers[0].Backend}");
            return 0;
        }

        if (arguments.Flag("shared-first"))
        {
            await BidLockManagerFactory.GetSharedAsync();
        }

        var database = arguments.Text("db");
        var hosts = new List<IHost>();
        try
        {
            try
            {
                hosts.Add(await StartHostAsync(database));
                if (arguments.Optional("second-db") is { } second)
                {
                    hosts.Add(await StartHostAsync(second));
                }

                Console.WriteLine("started");
            }
            catch (Exception exception)
            {
                Console.WriteLine($"start-failed {exception.GetType().Name}: {OneLine(exception.Message)}");
                return 0;
            }

            var bids = new MemberlessBids(database);
            try
            {
                var lockedInDatabase = await bids.PlaceAsync("mkt-shared", "posting-1", CancellationToken.None);
                var shared = await BidLockManagerFactory.GetSharedAsync();
                var same = ReferenceEquals(shared, hosts[0].Services.GetRequiredService<IBidLockManager>());
                Console.WriteLine($"bid locked-in-db={lockedInDatabase} same-manager={same}");
            }
            catch (Exception exception)
            {
                Console.WriteLine($"bid-failed {exception.GetType().Name}: {OneLine(exception.Message)} body-ran={bids.BodyRan}");
            }
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.StopAsync();
                host.Dispose();
            }
        }

        return 0;
    }

    private static async Task<IHost> StartHostAsync(string database)
    {
        // As an application configures it, minus the defaults that would read this machine's files and variables.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Development" });
        builder.Configuration.AddInMemoryCollection([new KeyValuePair<string, string?>("BidLocks:SqlitePath", database)]);
        builder.Services.AddBidLocks(builder.Configuration);
        var host = builder.Build();
        try
        {
            await host.StartAsync();
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}

/// <summary>A bid service with no <see cref="IBidLockManager"/> member: the generated code uses the shared manager.</summary>
internal sealed partial class MemberlessBids(string database)
{
    public bool BodyRan { get; private set; }

    [BidLock("{marketplaceId}", "{postingId}", TimeoutSeconds = 30)]
    public partial Task<bool> PlaceAsync(string marketplaceId, string postingId, CancellationToken cancellationToken);

    // True when the lock this body runs under is the one in the host's configured file: another manager on that file
    // then cannot take it.
    private async Task<bool> PlaceAsyncCore(string marketplaceId, string postingId, CancellationToken cancellationToken)
    {
        BodyRan = true;
        await using var probe = new SqliteBidLockManager(database);
        await using var lease = await probe.TryAcquireAsync(marketplaceId, postingId, TimeSpan.Zero, cancellationToken);
        return lease is null;
    }
}
