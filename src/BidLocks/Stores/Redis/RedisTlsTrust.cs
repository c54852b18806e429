using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace BidLocks;

/// <summary>
/// Trust for <c>rediss://</c> against a server whose certificate a private certificate authority signed
/// (<see cref="BidLockOptions.RedisTlsCaPath"/>): the server's certificate must chain to one of the CA certificates in
/// the file and match the host name. Nothing else is relaxed, and only this connection is affected; without the
/// setting the system's trusted roots decide, as for any TLS client.
/// </summary>
internal sealed class RedisTlsTrust
{
    private readonly X509Certificate2Collection _authorities;

    private RedisTlsTrust(X509Certificate2Collection authorities) => _authorities = authorities;

    /// <summary>Reads the PEM file of CA certificates.</summary>
    /// <exception cref="InvalidOperationException">The file cannot be read or holds no certificate; the message names it.</exception>
    public static RedisTlsTrust Load(string caPath)
    {
        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(caPath);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new InvalidOperationException($"RedisTlsCaPath '{caPath}' could not be read as PEM certificates: {exception.Message}", exception);
        }

        return authorities.Count > 0
            ? new RedisTlsTrust(authorities)
            : throw new InvalidOperationException($"RedisTlsCaPath '{caPath}' holds no PEM certificate.");
    }

    /// <summary>The callback for <c>ConfigurationOptions.CertificateValidation</c>.</summary>
    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        // A missing certificate or a name that does not match is never accepted; the chain is judged against the CA
        // file alone, whatever the system store says.
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_authorities);
        // A private CA for a cache server rarely publishes revocation lists; expiry and signatures are still checked.
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
        {
            // Intermediates the server sent along.
            foreach (var element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        if (certificate is X509Certificate2 server)
        {
            return custom.Build(server);
        }

        using var copy = new X509Certificate2(certificate);
        return custom.Build(copy);
    }
}
