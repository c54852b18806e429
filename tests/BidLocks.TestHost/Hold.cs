using System.Globalization;
using BidLocks;

namespace BidLocks.TestHost;

/// <summary>
/// Takes one lock with a short TTL, says so, and keeps it (renewed) until stdin closes: the test SIGKILLs it mid-hold
/// to show that a crashed holder blocks its posting for at most one TTL. SQLite on <c>--db</c>, or Redis on <c>--redis-url</c>.
/// </summary>
internal static class Hold
{
    public static async Task<int> RunAsync(Arguments arguments)
    {
        var ttl = TimeSpan.FromMilliseconds(arguments.Number("ttl-ms"));
        await using var manager = await ManagerFromArguments.OpenAsync(arguments);
        var lease = await manager.AcquireAsync(arguments.Text("marketplace"), arguments.Text("posting"), new BidLockAcquireOptions(TimeSpan.FromSeconds(30), ttl));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"held {lease.FencingToken} {lease.ExpiresAt.ToUnixTimeMilliseconds()}"));
        // Held until the test kills this process (or, if the test itself dies, until stdin closes).
        while (await Console.In.ReadLineAsync() is not null)
        {
        }

        await lease.ReleaseAsync();
        return 0;
    }
}
