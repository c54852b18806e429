[assembly: AssemblyFixture(typeof(BidLocks.Tests.Redis.SharedRedisServer))]

namespace BidLocks.Tests.Redis;

/// <summary>
/// One Redis server for every test that does not stop it. Tests keep apart by using their own marketplace ids;
/// tests that kill or restart Redis start a server of their own.
/// </summary>
public sealed class SharedRedisServer : IAsyncLifetime
{
    private RedisServerProcess? _server;

    public RedisServerProcess Server => _server ?? throw new InvalidOperationException("The shared Redis server has not started.");

    public string Url => Server.Url;

    public async ValueTask InitializeAsync() => _server = await RedisServerProcess.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
