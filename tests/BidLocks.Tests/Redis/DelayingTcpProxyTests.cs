using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using BidLocks.Tests.Support;

namespace BidLocks.Tests.Redis;

/// <summary>The fault tests' <see cref="DelayingTcpProxy"/> in front of the shared redis-server: what it promises them.</summary>
public sealed class DelayingTcpProxyTests(SharedRedisServer shared)
{
    [Fact(Timeout = 60_000)]
    public async Task Each_direction_is_held_for_its_delay_and_passed_on_unchanged_and_in_order()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var proxy = DelayingTcpProxy.Start(shared.Server.Port);
        using var socket = await ConnectAsync(proxy, cancel);
        Assert.Equal("+PONG\r\n", await AskAsync(socket, "PING\r\n", "+PONG\r\n".Length, cancel));

        proxy.ReplyDelay = TimeSpan.FromMilliseconds(400);
        var asked = Stopwatch.GetTimestamp();
        Assert.Equal(":1\r\n:2\r\n:3\r\n", await AskAsync(socket, $"INCR proxy-order-{Guid.NewGuid():N}\r\n", ":1\r\n".Length, cancel, more: 2));
        var replied = Stopwatch.GetElapsedTime(asked);
        proxy.ReplyDelay = TimeSpan.Zero;
        proxy.RequestDelay = TimeSpan.FromMilliseconds(400);
        asked = Stopwatch.GetTimestamp();
        Assert.Equal("+PONG\r\n", await AskAsync(socket, "PING\r\n", "+PONG\r\n".Length, cancel));
        var requested = Stopwatch.GetElapsedTime(asked);

        Assert.True(replied >= TimeSpan.FromMilliseconds(400), $"replies came after {replied.TotalMilliseconds:F0} ms");
        Assert.True(requested >= TimeSpan.FromMilliseconds(400), $"the request went through after {requested.TotalMilliseconds:F0} ms");
    }

    [Fact(Timeout = 60_000)]
    public async Task Cutting_drops_every_open_connection_and_disposal_leaves_none()
    {
        var cancel = TestContext.Current.CancellationToken;
        var proxy = DelayingTcpProxy.Start(shared.Server.Port);
        using var first = await ConnectAsync(proxy, cancel);
        using var second = await ConnectAsync(proxy, cancel);
        Assert.Equal("+PONG\r\n", await AskAsync(first, "PING\r\n", 7, cancel));
        Assert.Equal("+PONG\r\n", await AskAsync(second, "PING\r\n", 7, cancel));
        Assert.Equal(2, proxy.OpenConnections);

        proxy.CutConnections();

        Assert.Equal(0, await ReadToEndAsync(first, cancel));
        using var third = await ConnectAsync(proxy, cancel);
        Assert.Equal("+PONG\r\n", await AskAsync(third, "PING\r\n", 7, cancel));
        await proxy.DisposeAsync();
        Assert.Equal(0, proxy.OpenConnections);
        Assert.Equal(0, await ReadToEndAsync(third, cancel));
        await Assert.ThrowsAnyAsync<SocketException>(async () => await ConnectAsync(proxy, cancel));
    }

    private static async Task<Socket> ConnectAsync(DelayingTcpProxy proxy, CancellationToken cancel)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, proxy.Port), cancel);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends <paramref name="command"/> (and it again <paramref name="more"/> times, pipelined) and reads the replies.</summary>
    private static async Task<string> AskAsync(Socket socket, string command, int replyLength, CancellationToken cancel, int more = 0)
    {
        var request = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(command, more + 1)));
        await socket.SendAsync(request, SocketFlags.None, cancel);
        var reply = new byte[replyLength * (more + 1)];
        for (var read = 0; read < reply.Length;)
        {
            var got = await socket.ReceiveAsync(reply.AsMemory(read), SocketFlags.None, cancel);
            Assert.NotEqual(0, got);
            read += got;
        }

        return Encoding.ASCII.GetString(reply);
    }

    /// <summary>Bytes read until the connection ends (a cut connection ends with none).</summary>
    private static async Task<int> ReadToEndAsync(Socket socket, CancellationToken cancel)
    {
        var buffer = new byte[64];
        var total = 0;
        try
        {
            for (int got; (got = await socket.ReceiveAsync(buffer, SocketFlags.None, cancel).AsTask().WaitAsync(TimeSpan.FromSeconds(10))) > 0;)
            {
                total += got;
            }
        }
        catch (SocketException)
        {
            // Reset rather than closed: ended all the same.
        }

        return total;
    }
}
