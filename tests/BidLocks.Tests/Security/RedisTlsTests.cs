using System.Globalization;
using BidLocks.Tests.Redis;

namespace BidLocks.Tests.Security;

/// <summary>
/// <c>rediss://</c> against a real <c>redis-server</c> serving TLS only, on certificates made at test time. The client
/// trusts the test CA through <see cref="BidLockOptions.RedisTlsCaPath"/> and nothing more: a server certificate from
/// another CA or for another name is refused, as is the CA-less default and a plain <c>redis://</c>.
/// </summary>
public sealed class RedisTlsTests : IDisposable
{
    private const string Password = "tls-Pa55:word";
    private readonly TestCertificates _certificates = new();
    private readonly string _marketplace = "mkt-" + Guid.NewGuid().ToString("N");

    [Fact(Timeout = 60_000)]
    public async Task Rediss_with_the_test_CA_locks_over_TLS()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var server = await StartTlsServerAsync(_certificates.Server);
        var options = new BidLockOptions { RedisUrl = TlsUrl(server), RedisTlsCaPath = _certificates.CaPath };

        await using var one = await RedisBidLockManager.ConnectAsync(options, cancel);
        await using var two = await RedisBidLockManager.ConnectAsync(options, cancel);
        var held = await one.AcquireAsync(_marketplace, "tls", cancellationToken: cancel);
        var waiter = Task.Run(async () => await two.AcquireAsync(_marketplace, "tls", TimeSpan.FromSeconds(30), cancel), cancel);
        Assert.True(await held.ReleaseAsync());
        await using var handed = await waiter;
        var health = await one.CheckHealthAsync(cancel);

        Assert.True(handed.FencingToken > held.FencingToken);
        Assert.Equal(BidLockHealthStatus.Healthy, health.Status);
        Assert.DoesNotContain(Password, health.ToString());
        Assert.DoesNotContain(Password, options.ToString());
    }

    [Fact(Timeout = 60_000)]
    public async Task Without_the_CA_the_servers_certificate_is_refused()
    {
        await using var server = await StartTlsServerAsync(_certificates.Server);

        var error = await AssertRefusedAsync(new BidLockOptions { RedisUrl = TlsUrl(server) }, TestContext.Current.CancellationToken);

        AssertCertificateRefusal(error);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_certificate_from_another_CA_is_refused()
    {
        await using var server = await StartTlsServerAsync(_certificates.Untrusted);

        var error = await AssertRefusedAsync(new BidLockOptions { RedisUrl = TlsUrl(server), RedisTlsCaPath = _certificates.CaPath }, TestContext.Current.CancellationToken);

        AssertCertificateRefusal(error);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_certificate_for_another_host_name_is_refused_even_from_the_trusted_CA()
    {
        await using var server = await StartTlsServerAsync(_certificates.WrongName);

        var error = await AssertRefusedAsync(new BidLockOptions { RedisUrl = TlsUrl(server), RedisTlsCaPath = _certificates.CaPath }, TestContext.Current.CancellationToken);

        AssertCertificateRefusal(error);
    }

    [Fact(Timeout = 60_000)]
    public async Task Plain_redis_to_a_TLS_port_does_not_connect()
    {
        await using var server = await StartTlsServerAsync(_certificates.Server);

        await AssertRefusedAsync(new BidLockOptions { RedisUrl = TlsUrl(server).Replace("rediss://", "redis://", StringComparison.Ordinal) }, TestContext.Current.CancellationToken);
    }

    [Fact(Timeout = 60_000)]
    public async Task An_unreadable_CA_file_fails_clearly()
    {
        await using var server = await StartTlsServerAsync(_certificates.Server);
        var missing = Path.Combine(_certificates.Folder, "no-such-ca.crt");

        var error = await AssertRefusedAsync(new BidLockOptions { RedisUrl = TlsUrl(server), RedisTlsCaPath = missing }, TestContext.Current.CancellationToken);

        Assert.Contains(missing, error.Message);
    }

    public void Dispose() => _certificates.Dispose();

    private static void AssertCertificateRefusal(BidLockUnavailableException error)
    {
        Assert.Contains("TLS handshake failed because the server's certificate is not trusted", error.Message);
        Assert.DoesNotContain("check the user name and password", error.Message);
    }

    private static string TlsUrl(RedisServerProcess server) => $"rediss://:{Uri.EscapeDataString(Password)}@127.0.0.1:{server.Port}/0";

    /// <summary>A server with TLS on its port and no plain port; clients need no certificate of their own.</summary>
    private static Task<RedisServerProcess> StartTlsServerAsync((string Certificate, string Key) identity)
        => RedisServerProcess.StartAsync(Password, port =>
        [
            "--port", "0", "--tls-port", port.ToString(CultureInfo.InvariantCulture),
            "--tls-cert-file", identity.Certificate, "--tls-key-file", identity.Key, "--tls-auth-clients", "no",
        ]);

    private static async Task<BidLockUnavailableException> AssertRefusedAsync(BidLockOptions options, CancellationToken cancel)
    {
        options.RedisConnectTimeout = TimeSpan.FromSeconds(3);
        var error = await Assert.ThrowsAsync<BidLockUnavailableException>(() => RedisBidLockManager.ConnectAsync(options, cancel));
        Assert.DoesNotContain(Password, error.ToString());
        return error;
    }
}
