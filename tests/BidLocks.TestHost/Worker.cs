using BidLocks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace BidLocks.TestHost;

/// <summary>
/// What <c>dotnet new worker</c> makes, with <c>AddBidLocks()</c>: the backend comes from the environment the test gave
/// this process (<c>USE_REDIS_LOCKS</c>, <c>BIDLOCKS_SQLITE_PATH</c>, <c>DOTNET_ENVIRONMENT</c>), logs go to the console as
/// a worker's do, and a failed start ends the process as <c>host.Run()</c> would: the exception is left unhandled. Prints
/// <c>started</c> once the host has started, then stops it.
/// </summary>
internal static class Worker
{
    public static async Task<int> RunAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddBidLocks();
        using var host = builder.Build();
        await host.StartAsync();
        Console.WriteLine("started");
        await host.StopAsync();
        return 0;
    }
}
