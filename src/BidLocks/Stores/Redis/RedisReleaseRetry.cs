using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace BidLocks;

/// <summary>
/// Sends a release again, in the background, after it failed for want of a connection or was answered by a primary that
/// no longer counts: a grant replicated before a fail-over (always, with MinReplicas above 0; usually, within
/// milliseconds, without) outlives the primary it was granted on, and a release sent to the dying or old primary (or
/// during the switch) would otherwise leave the promoted replica holding it for the rest of its TTL, blocking its
/// posting although its holder is done. Compare-and-delete makes a late or repeated release harmless to every other holder.
/// </summary>
/// <remarks>
/// The one holder it could harm is the same holder taking the same lock again (a holder-named lock,
/// <see cref="IBidLockManager.AcquireLockAsync"/>): a release still owed would delete the new hold. So a grant to a
/// holder first settles any release owed for it (<see cref="SettleAsync"/>): the retry is stopped and a release already
/// on its way is waited for, so it reaches the server before the new grant.
/// </remarks>
internal sealed class RedisReleaseRetry : IDisposable
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(1);

    private readonly Func<BidLockKey, string, CancellationToken, ValueTask<bool>> _release;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _disposed = new();
    private readonly ConcurrentDictionary<(string Key, string Holder), Owed> _owed = new();

    public RedisReleaseRetry(Func<BidLockKey, string, CancellationToken, ValueTask<bool>> release, TimeProvider time, ILogger logger)
    {
        _release = release;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// True for a failure after which the release may still be owed: no answer, or an answer from a server that is no
    /// longer the primary (READONLY: Sentinel made it a replica), not a refusal by the primary.
    /// </summary>
    public static bool IsRetryable(Exception exception)
        => exception is RedisConnectionException or RedisTimeoutException or TimeoutException
            || (exception is RedisServerException && exception.Message.StartsWith("READONLY", StringComparison.Ordinal));

    /// <summary>
    /// Starts sending the release of <paramref name="key"/> by <paramref name="holderId"/> again, until it is answered
    /// or <paramref name="holdEndsWithin"/> has passed: by then the hold has expired by its TTL wherever it still is,
    /// and not before (a holder-named lock holds for MaxHold, five minutes unless configured).
    /// </summary>
    public void Start(BidLockKey key, string holderId, TimeSpan holdEndsWithin)
    {
        Owed owed;
        try
        {
            owed = new Owed(CancellationTokenSource.CreateLinkedTokenSource(_disposed.Token));
        }
        catch (ObjectDisposedException)
        {
            return;
        }

        if (_owed.TryAdd((key.Value, holderId), owed))
        {
            _ = Task.Run(() => RetryAsync(key, holderId, holdEndsWithin, owed));
        }
        else
        {
            // Already being sent again.
            owed.Stop.Dispose();
        }
    }

    /// <summary>Before a grant to <paramref name="holderId"/>: stops any release owed for it and waits for one on its way.</summary>
    public ValueTask SettleAsync(BidLockKey key, string holderId)
        => _owed.IsEmpty || !_owed.TryGetValue((key.Value, holderId), out var owed) ? ValueTask.CompletedTask : StopAsync(owed);

    /// <summary>True while a release of <paramref name="key"/> by <paramref name="holderId"/> is still being sent again.</summary>
    public bool IsOwed(BidLockKey key, string holderId) => _owed.ContainsKey((key.Value, holderId));

    /// <summary>Completes when the release of <paramref name="key"/> by <paramref name="holderId"/> is no longer being sent again.</summary>
    public Task WhenEndedAsync(BidLockKey key, string holderId) => _owed.TryGetValue((key.Value, holderId), out var owed) ? owed.Done.Task : Task.CompletedTask;

    public void Dispose()
    {
        _disposed.Cancel();
        _disposed.Dispose();
    }

    private static async ValueTask StopAsync(Owed owed)
    {
        try
        {
            owed.Stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Finished meanwhile.
        }

        await owed.Done.Task.ConfigureAwait(false);
    }

    private async Task RetryAsync(BidLockKey key, string holderId, TimeSpan holdEndsWithin, Owed owed)
    {
        var stop = owed.Stop.Token;
        var started = _time.GetTimestamp();
        var pause = FirstPause;
        try
        {
            while (_time.GetElapsedTime(started) < holdEndsWithin)
            {
                try
                {
                    await Task.Delay(pause, _time, stop).ConfigureAwait(false);
                    var released = await _release(key, holderId, CancellationToken.None).ConfigureAwait(false);
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
        finally
        {
            _owed.TryRemove(new KeyValuePair<(string, string), Owed>((key.Value, holderId), owed));
            owed.Stop.Dispose();
            owed.Done.TrySetResult();
        }
    }

    /// <summary>A release owed: how to stop sending it, and when the last try has ended.</summary>
    private sealed class Owed(CancellationTokenSource stop)
    {
        public CancellationTokenSource Stop { get; } = stop;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
