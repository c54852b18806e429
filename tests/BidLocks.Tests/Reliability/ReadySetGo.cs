using BidLocks.Tests.Sqlite;

namespace BidLocks.Tests.Reliability;

/// <summary>Starts a group of soak processes together, so that they really contend from the first bid.</summary>
internal static class ReadySetGo
{
    /// <summary>
    /// Waits for every process's <c>ready</c>, then tells them all <c>go</c>. On any failure every process is disposed
    /// (killed) before the exception goes on, so none is left running.
    /// </summary>
    public static async Task StartTogetherAsync(IReadOnlyList<TestHostProcess> hosts)
    {
        try
        {
            foreach (var host in hosts)
            {
                await host.ExpectLineAsync("ready");
            }

            foreach (var host in hosts)
            {
                await host.WriteLineAsync("go");
            }
        }
        catch
        {
            foreach (var host in hosts)
            {
                await host.DisposeAsync();
            }

            throw;
        }
    }
}
