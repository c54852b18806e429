namespace BidLocks.Tests.Garnet;

/// <summary>
/// One Garnet server per test class that asks for it (a class fixture, not an assembly one: a run filtered to other
/// tests starts no Garnet). Tests keep apart by their own marketplace ids, as on the shared Redis server.
/// </summary>
public sealed class GarnetServerFixture : IAsyncLifetime
{
    private GarnetServerProcess? _server;

    public GarnetServerProcess Server => _server ?? throw new InvalidOperationException("The Garnet server has not started.");

    public string Url => Server.Url;

    public async ValueTask InitializeAsync() => _server = await GarnetServerProcess.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
