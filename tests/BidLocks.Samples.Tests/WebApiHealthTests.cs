using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace BidLocks.Samples.Tests;

/// <summary>
/// <c>/health</c> of the web sample through HTTP, as a load balancer or an on-call engineer reads it: a status with its
/// reason, the backend and where it locks, never a password.
/// </summary>
public sealed class WebApiHealthTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("bidlocks-health-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact(Timeout = 180_000)]
    public async Task Health_after_a_fallback_says_Degraded_with_the_reason_backend_and_server_without_the_password()
    {
        var cancel = TestContext.Current.CancellationToken;
        const string Password = "Fallback-Pa55";
        var deadPort = ClosedPort();
        var database = Path.Combine(_folder, "locks.sqlite3");
        var environment = new Dictionary<string, string>
        {
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["REDIS_URL"] = $"redis://:{Password}@127.0.0.1:{deadPort}",
            ["BIDLOCKS_ALLOW_SQLITE_FALLBACK"] = "true",
            ["BIDLOCKS_SQLITE_PATH"] = database,
        };
        await using var web = await WebApiProcess.StartAsync(environment, cancel);

        using var response = await web.Client.GetAsync("/health", cancel);
        var body = await response.Content.ReadAsStringAsync(cancel);

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var health = JsonDocument.Parse(body).RootElement;
        Assert.Equal("Degraded", health.GetProperty("status").GetString());
        var check = health.GetProperty("checks").GetProperty("bidlocks");
        Assert.Equal("Degraded", check.GetProperty("status").GetString());
        Assert.Equal("sqlite", check.GetProperty("backend").GetString());
        Assert.Contains(database, check.GetProperty("server").GetString());
        var reason = check.GetProperty("reason").GetString();
        Assert.Contains("unreachable at start", reason, StringComparison.Ordinal);
        Assert.Contains(deadPort.ToString(System.Globalization.CultureInfo.InvariantCulture), reason);
        Assert.DoesNotContain(Password, body);
    }

    [Fact(Timeout = 180_000)]
    public async Task Health_on_Redis_says_Healthy_with_the_server_and_its_version()
    {
        var cancel = TestContext.Current.CancellationToken;
        const string Password = "health-Pa55";
        await using var redis = await RedisServerProcess.StartAsync(Password);
        await using var web = await WebApiProcess.StartAsync(new Dictionary<string, string> { ["DOTNET_ENVIRONMENT"] = "Production", ["REDIS_URL"] = redis.Url }, cancel);

        var body = await web.Client.GetStringAsync("/health", cancel);

        var check = JsonDocument.Parse(body).RootElement.GetProperty("checks").GetProperty("bidlocks");
        Assert.Equal("Healthy", check.GetProperty("status").GetString());
        Assert.Equal("redis", check.GetProperty("backend").GetString());
        Assert.Contains($"127.0.0.1:{redis.Port}", check.GetProperty("server").GetString());
        Assert.StartsWith("7.", check.GetProperty("version").GetString());
        Assert.DoesNotContain(Password, body);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
