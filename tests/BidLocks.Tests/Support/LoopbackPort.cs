using System.Net;
using System.Net.Sockets;

namespace BidLocks.Tests.Support;

/// <summary>Ports on 127.0.0.1 for the servers the tests (and the benchmark) start.</summary>
public static class LoopbackPort
{
    /// <summary>A port that nothing listens on (taken from the system, then freed).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Makes a server for a free port and starts it, trying again with another port when the start fails: a free port
    /// can be taken by someone else before the server binds it.
    /// </summary>
    public static async Task<T> StartServerAsync<T>(Func<int, T> create, Func<T, Task> start)
        where T : IAsyncDisposable
    {
        for (var attempt = 1; ; attempt++)
        {
            var server = create(Free());
            try
            {
                await start(server);
                return server;
            }
            catch (InvalidOperationException) when (attempt < 5)
            {
                await server.DisposeAsync();
            }
        }
    }
}
