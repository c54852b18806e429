using StackExchange.Redis;

namespace BidLocks;

/// <summary>
/// Opens the multiplexer a <see cref="RedisBidLockManager"/> owns. A failure becomes a
/// <see cref="BidLockUnavailableException"/> that says what went wrong without the password.
/// </summary>
internal static class RedisConnector
{
    public static async Task<ConnectionMultiplexer> ConnectAsync(RedisConnectionSettings settings, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ConfigurationOptions options;
        try
        {
            options = settings.ToConfigurationOptions();
        }
        catch (InvalidOperationException exception)
        {
            // An unreadable CA file: Redis cannot be reached securely, which is what the caller must hear.
            throw new BidLockUnavailableException(RedisLockStore.BackendName, $"Could not connect to Redis at {settings} (from {settings.Source}): {exception.Message}", exception)
            {
                StartFailure = RedisStartFailure.Misconfigured,
            };
        }

        await RequireKnownHostAsync(settings, cancellationToken).ConfigureAwait(false);
        try
        {
            return await ConnectionMultiplexer.ConnectAsync(options).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException or System.Net.Sockets.SocketException or ArgumentException)
        {
            throw Failure(settings, exception);
        }
    }

    internal static BidLockUnavailableException Failure(RedisConnectionSettings settings, Exception exception)
    {
        // A refused TLS certificate is reported as an authentication failure too: it must not send the reader to check
        // a password that was never the problem.
        var untrusted = IsCertificateRefusal(exception);
        var wrongLogin = !untrusted
            && (exception is RedisConnectionException { FailureType: ConnectionFailureType.AuthenticationFailure }
                || exception.Message.Contains("WRONGPASS", StringComparison.Ordinal)
                || exception.Message.Contains("NOAUTH", StringComparison.Ordinal)
                || exception.Message.Contains("authentication", StringComparison.OrdinalIgnoreCase));
        var reason = untrusted
            ? $"the TLS handshake failed because the server's certificate is not trusted: it must match the host name and chain to {(settings.TlsCaPath is null ? "a trusted root of this system (or to the CA file named by RedisTlsCaPath)" : $"the CA in RedisTlsCaPath '{settings.TlsCaPath}'")}"
            : wrongLogin
            ? "authentication failed: check the user name and password"
            : settings.SentinelService is { } service
            ? $"no Sentinel named a primary for service '{service}' that answered"
            : $"the server did not answer within {settings.ConnectTimeout.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)} s";
        var detail = WithoutClientAdvice(settings.Redact(exception.Message));
        // The client's own exception is kept only when nothing in it shows the password.
        var inner = settings.Password is { } password && exception.ToString().Contains(password, StringComparison.Ordinal) ? null : exception;
        return new BidLockUnavailableException(
            RedisLockStore.BackendName,
            $"Could not connect to Redis at {settings} (from {settings.Source}): {reason}. {detail}",
            inner)
        {
            StartFailure = untrusted || wrongLogin ? RedisStartFailure.Misconfigured : RedisStartFailure.Unreachable,
        };
    }

    // A host name that DNS says does not exist is a typo or a missing record, not an outage: the client would only
    // report "UnableToConnect", as for a server that is down. A name DNS could not answer for just now (TryAgain) is
    // left to the connect, which then counts as unreachable.
    private static async Task RequireKnownHostAsync(RedisConnectionSettings settings, CancellationToken cancellationToken)
    {
        if (settings.SentinelService is not null || System.Net.IPAddress.TryParse(settings.Host, out _))
        {
            return;
        }

        try
        {
            await System.Net.Dns.GetHostAddressesAsync(settings.Host, cancellationToken).ConfigureAwait(false);
        }
        catch (System.Net.Sockets.SocketException exception) when (exception.SocketErrorCode is System.Net.Sockets.SocketError.HostNotFound or System.Net.Sockets.SocketError.NoData)
        {
            throw new BidLockUnavailableException(
                RedisLockStore.BackendName,
                $"Could not connect to Redis at {settings} (from {settings.Source}): unknown host '{settings.Host}': DNS has no address for it ({exception.Message}). Check the host name.",
                exception)
            {
                StartFailure = RedisStartFailure.Misconfigured,
            };
        }
    }

    private static bool IsCertificateRefusal(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is System.Security.Authentication.AuthenticationException || current.Message.Contains("remote certificate", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    // StackExchange.Redis suggests abortConnect=false, a setting BidLocks users do not control: BidLocks already
    // reconnects by itself once the first connect has succeeded, and must fail at start when it has not.
    private static string WithoutClientAdvice(string message)
    {
        var advice = message.IndexOf(" To allow this multiplexer to continue retrying", StringComparison.Ordinal);
        return advice < 0 ? message : message[..advice];
    }
}
