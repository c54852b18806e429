using System.Diagnostics;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace BidLocks;

/// <summary>
/// Sends a release again, in the background, after it failed for want of a connection: with replicas acknowledging
/// every grant, the lock outlives the primary it was granted on, and a release sent to the dying primary (or during the
/// switch) would otherwise leave the promoted replica holding it for the rest of its TTL, blocking its posting although
/// its holder is done. Compare-and-delete makes a late or repeated release harmless: it deletes only this holder's lock.
/// </summary>
internal sealed class RedisReleaseRetry : IDisposable
{
    /// <summary>How long to keep trying: past it the lock has long expired by its TTL, or the holder renewed it.</summary>
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromMinutes(1);

    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(1);

    private readonly Func<BidLockKey, string, CancellationToken, ValueTask<bool>> _release;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _disposed = new();

    public RedisReleaseRetry(Func<BidLockKey, string, CancellationToken, ValueTask<bool>> release, ILogger logger)
    {
        _release = release;
        _logger = logger;
    }

    /// <summary>True for a failure after which the release may still be owed: no answer, not a refusal by the server.</summary>
    public static bool IsRetryable(Exception exception) => exception is RedisConnectionException or RedisTimeoutException or TimeoutException;

    /// <summary>Starts retrying the release of <paramref name="key"/> by <paramref name="holderId"/>.</summary>
    public void Start(BidLockKey key, string holderId) => _ = Task.Run(() => RetryAsync(key, holderId));

    public void Dispose()
    {
        _disposed.Cancel();
        _disposed.Dispose();
    }

    private async Task RetryAsync(BidLockKey key, string holderId)
    {
        CancellationToken stop;
        try
        {
            stop = _disposed.Token;
        }
        catch (ObjectDisposedException)
        {
            return;
        }

        var started = Stopwatch.GetTimestamp();
        var pause = FirstPause;
        while (Stopwatch.GetElapsedTime(started) < GiveUpAfter)
        {
            try
            {
                await Task.Delay(pause, stop).ConfigureAwait(false);
                var released = await _release(key, holderId, stop).ConfigureAwait(false);
                RedisLog.ReleaseRetried(_logger, key.Value, released);
                return;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (IsRetryable(exception))
            {
                pause = pause * 2 < LongestPause ? pause * 2 : LongestPause;
            }
            catch (Exception exception) when (exception is RedisException or ObjectDisposedException)
            {
                // Refused by the server, or the manager closed: the lock expires by its TTL.
                RedisLog.ReleaseRetryFailed(_logger, key.Value, exception);
                return;
            }
        }
    }
}
