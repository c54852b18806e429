using System.Diagnostics;

namespace BidLocks.Samples.Auction.Coordination;

/// <summary>
/// Starts this same program again as a bidder process. The bidders are real OS processes, because a lock that only
/// works between threads of one process would prove nothing about a service that runs as several instances.
/// </summary>
internal static class SelfLauncher
{
    public static ProcessStartInfo StartInfo(IEnumerable<string> arguments)
    {
        var processPath = Environment.ProcessPath ?? throw new InvalidOperationException("The path of this program is unknown, so it cannot start its bidder processes.");
        var start = new ProcessStartInfo(processPath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        // Run as `dotnet BidLocks.Samples.Auction.dll`, the process is the dotnet host, which needs the app's path
        // again; run through the app host (`dotnet run`, or the executable itself), the process is the app.
        if (string.Equals(Path.GetFileNameWithoutExtension(processPath), "dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(typeof(SelfLauncher).Assembly.Location);
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }
}
