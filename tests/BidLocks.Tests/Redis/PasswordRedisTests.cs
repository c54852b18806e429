namespace BidLocks.Tests.Redis;

/// <summary>Tests against a password-protected redis-server of their own, started before each test and stopped after.</summary>
public abstract class PasswordRedisTests(string password) : IAsyncLifetime
{
    private RedisServerProcess? _server;

    protected string Password => password;

    protected RedisServerProcess Server => _server ?? throw new InvalidOperationException("The Redis server has not started.");

    public async ValueTask InitializeAsync() => _server = await RedisServerProcess.StartAsync(password);

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}
