using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace BidLocks.Tests.Support;

/// <summary>
/// A TCP proxy on a free 127.0.0.1 port in front of a real server, for fault tests: a slow network, a stalled client
/// or a server whose answers come late, without pausing the server for everyone. Point the client at <see cref="Port"/>.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="ReplyDelay"/> holds back what the server sends, <see cref="RequestDelay"/> what the client sends; both
/// may be changed while connections are open. Each chunk read is held for the delay in force when it arrived, and the
/// chunks of one direction keep their order (a chunk never overtakes the one before it), as on one TCP stream.
/// <see cref="CutConnections"/> drops every open connection, as a broken network path would.
/// </para>
/// <para>
/// Bounded: each direction holds at most <see cref="MaxHeldChunks"/> chunks and then stops reading (the sender sees
/// TCP back-pressure). Disposal closes the listener and every connection and waits for their loops to end.
/// </para>
/// </remarks>
public sealed class DelayingTcpProxy : IAsyncDisposable
{
    private const int MaxHeldChunks = 256;
    private const int ChunkSize = 16 * 1024;
    private readonly TcpListener _listener;
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly HashSet<Connection> _connections = [];
    private readonly Task _accepting;
    private long _replyDelayTicks;
    private long _requestDelayTicks;

    private DelayingTcpProxy(int targetPort)
    {
        _target = new IPEndPoint(IPAddress.Loopback, targetPort);
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    /// <summary>The port the proxy listens on (127.0.0.1).</summary>
    public int Port { get; }

    /// <summary>How long each chunk the server sends is held before the client gets it (zero: passed on at once).</summary>
    public TimeSpan ReplyDelay
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _replyDelayTicks));
        set => Interlocked.Exchange(ref _replyDelayTicks, RequireDelay(value).Ticks);
    }

    /// <summary>How long each chunk the client sends is held before the server gets it (zero: passed on at once).</summary>
    public TimeSpan RequestDelay
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _requestDelayTicks));
        set => Interlocked.Exchange(ref _requestDelayTicks, RequireDelay(value).Ticks);
    }

    /// <summary>How many client connections are open now.</summary>
    public int OpenConnections
    {
        get
        {
            lock (_gate)
            {
                return _connections.Count;
            }
        }
    }

    /// <summary>Starts a proxy to the server on 127.0.0.1:<paramref name="targetPort"/>, with no delay.</summary>
    public static DelayingTcpProxy Start(int targetPort) => new(targetPort);

    /// <summary>Drops every open connection (what is held is lost); new connections are accepted as before.</summary>
    public void CutConnections()
    {
        foreach (var connection in Snapshot())
        {
            connection.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        CutConnections();
        await _accepting;
        await Task.WhenAll(Snapshot().Select(static connection => connection.Finished));
        _stop.Dispose();
    }

    private static TimeSpan RequireDelay(TimeSpan delay)
        => delay >= TimeSpan.Zero && delay <= TimeSpan.FromMinutes(5) ? delay : throw new ArgumentOutOfRangeException(nameof(delay), delay, "A delay must be from zero to five minutes.");

    private Connection[] Snapshot()
    {
        lock (_gate)
        {
            return [.. _connections];
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            client.NoDelay = true;
            try
            {
                await server.ConnectAsync(_target, _stop.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException)
            {
                // The server is down: the client sees its connection refused-like close, as it would without the proxy.
                server.Dispose();
                client.Dispose();
                continue;
            }

            var connection = new Connection(this, client, server);
            lock (_gate)
            {
                _connections.Add(connection);
            }

            connection.Run();
        }
    }

    private void Forget(Connection connection)
    {
        lock (_gate)
        {
            _connections.Remove(connection);
        }
    }

    /// <summary>One client connection and its connection to the server: a pump each way.</summary>
    private sealed class Connection(DelayingTcpProxy proxy, Socket client, Socket server)
    {
        private readonly CancellationTokenSource _closed = CancellationTokenSource.CreateLinkedTokenSource(proxy._stop.Token);
        private int _closing;

        public Task Finished { get; private set; } = Task.CompletedTask;

        public void Run()
        {
            var requests = PumpAsync(client, server, () => proxy.RequestDelay);
            var replies = PumpAsync(server, client, () => proxy.ReplyDelay);
            Finished = FinishAsync(requests, replies);
        }

        public void Close()
        {
            if (Interlocked.Exchange(ref _closing, 1) != 0)
            {
                return;
            }

            _closed.Cancel();
            client.Dispose();
            server.Dispose();
        }

        private async Task FinishAsync(Task requests, Task replies)
        {
            // Either direction ending (end of stream, an error, a cut) ends the connection, as a proxy must.
            await Task.WhenAny(requests, replies);
            Close();
            await Task.WhenAll(requests, replies);
            proxy.Forget(this);
            _closed.Dispose();
        }

        private async Task PumpAsync(Socket from, Socket to, Func<TimeSpan> delay)
        {
            var held = Channel.CreateBounded<(long DueAt, byte[] Bytes)>(new BoundedChannelOptions(MaxHeldChunks) { SingleReader = true, SingleWriter = true });
            var sending = SendAsync(held.Reader, to);
            try
            {
                while (true)
                {
                    var buffer = new byte[ChunkSize];
                    var read = await from.ReceiveAsync(buffer, SocketFlags.None, _closed.Token);
                    if (read == 0)
                    {
                        break;
                    }

                    var dueAt = Stopwatch.GetTimestamp() + (long)(delay().TotalSeconds * Stopwatch.Frequency);
                    await held.Writer.WriteAsync((dueAt, buffer[..read]), _closed.Token);
                }
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // Closed or cut: the pump ends.
            }
            finally
            {
                // What was read before the end still goes out (unless the connection is being closed).
                held.Writer.TryComplete();
            }

            await sending;
        }

        private static TimeSpan Until(long timestamp) => Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), timestamp);

        private async Task SendAsync(ChannelReader<(long DueAt, byte[] Bytes)> held, Socket to)
        {
            try
            {
                await foreach (var (dueAt, bytes) in held.ReadAllAsync(_closed.Token))
                {
                    // Never early: a timer rounds to whole milliseconds.
                    for (var wait = Until(dueAt); wait > TimeSpan.Zero; wait = Until(dueAt))
                    {
                        await Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(wait.TotalMilliseconds)), _closed.Token);
                    }

                    await to.SendAsync(bytes, SocketFlags.None, _closed.Token);
                }

                // The sender finished: pass its end of stream on.
                to.Shutdown(SocketShutdown.Send);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // Closed or cut: what is held is dropped.
            }
        }
    }
}
