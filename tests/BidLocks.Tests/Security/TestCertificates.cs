using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace BidLocks.Tests.Security;

/// <summary>
/// Certificates made at test time, written as PEM files for redis-server and the client: a test CA, a server
/// certificate it signed for 127.0.0.1, one it signed for another name, and a server certificate from a CA the
/// client was not told to trust. ECDSA P-256 keys, valid for a day, in a temp folder deleted afterwards.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    public TestCertificates()
    {
        Directory.CreateDirectory(Folder);
        using var ca = NewAuthority("CN=BidLocks test CA", out var caKey);
        using var rogue = NewAuthority("CN=Someone else's CA", out var rogueKey);
        CaPath = WritePem("ca.crt", ca.ExportCertificatePem());
        Server = WriteServer("server", ca, caKey, "127.0.0.1");
        WrongName = WriteServer("wrong-name", ca, caKey, "not-this-host.example");
        Untrusted = WriteServer("untrusted", rogue, rogueKey, "127.0.0.1");
        caKey.Dispose();
        rogueKey.Dispose();
    }

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "bidlocks-tests", "tls-" + Guid.NewGuid().ToString("N"));

    /// <summary>The test CA, as the client's <see cref="BidLockOptions.RedisTlsCaPath"/>.</summary>
    public string CaPath { get; }

    /// <summary>Signed by the test CA for 127.0.0.1 and localhost.</summary>
    public (string Certificate, string Key) Server { get; }

    /// <summary>Signed by the test CA, but for another host name.</summary>
    public (string Certificate, string Key) WrongName { get; }

    /// <summary>For 127.0.0.1, signed by a CA the client does not trust.</summary>
    public (string Certificate, string Key) Untrusted { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // Left for the system's temp cleanup.
        }
    }

    private static X509Certificate2 NewAuthority(string subject, out ECDsa key)
    {
        key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }

    private (string Certificate, string Key) WriteServer(string name, X509Certificate2 issuer, ECDsa issuerKey, string host)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={host}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        if (IPAddress.TryParse(host, out var address))
        {
            names.AddIpAddress(address);
            names.AddDnsName("localhost");
        }
        else
        {
            names.AddDnsName(host);
        }

        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var certificate = request.Create(issuer.SubjectName, X509SignatureGenerator.CreateForECDsa(issuerKey), DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(12), serial);
        return (WritePem(name + ".crt", certificate.ExportCertificatePem()), WritePem(name + ".key", key.ExportPkcs8PrivateKeyPem()));
    }

    private string WritePem(string name, string pem)
    {
        var path = Path.Combine(Folder, name);
        File.WriteAllText(path, pem + "\n");
        return path;
    }
}
