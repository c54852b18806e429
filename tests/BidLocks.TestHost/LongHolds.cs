using System.Collections.Concurrent;
using System.Diagnostics;
using BidLocks;

namespace BidLocks.TestHost;

/// <summary>
/// The soak's long holds (<c>--long-hold-seconds S</c>): one worker per process holds one of
/// <see cref="Postings"/> postings of their own for S seconds at a time, longer than a backend outage the test causes,
/// and ends the hold early when its <see cref="BidLockLease.LostToken"/> fires. Each hold is recorded, so the test can
/// check that every hold spanning a restart that lost the lock heard of it, and when.
/// </summary>
internal sealed class LongHolds(IBidLockManager manager, string marketplace, TimeSpan holdFor)
{
    public const int Postings = 2;

    private static readonly TimeSpan AcquireTimeout = TimeSpan.FromSeconds(30);

    private readonly ConcurrentQueue<LongHold> _holds = new();

    public LongHold[] Holds => [.. _holds];

    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var lease = await manager.AcquireAsync(marketplace, $"long-{Random.Shared.Next(Postings)}", AcquireTimeout, stop);
                var acquiredAt = Stopwatch.GetTimestamp();
                var lost = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
                using var onLost = lease.LostToken.Register(() => lost.TrySetResult(Stopwatch.GetTimestamp()));
                try
                {
                    // The hold's length is the point of the run: it must outlast the outage.
                    await lost.Task.WaitAsync(holdFor, stop);
                }
                catch (TimeoutException)
                {
                    // Held to the end.
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    // The run ended first; the hold still counts, up to now.
                }

                _holds.Enqueue(lost.Task.IsCompletedSuccessfully
                    ? new LongHold(lease.FencingToken, acquiredAt, lost.Task.Result, Lost: true)
                    : new LongHold(lease.FencingToken, acquiredAt, Stopwatch.GetTimestamp(), Lost: false));
            }
            catch (Exception exception) when (exception is BidLockTimeoutException or BidLockUnavailableException)
            {
                // The backend is down (or the other long holders kept the postings): pace the next try.
                await Task.Delay(50, CancellationToken.None);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
        }
    }
}

/// <summary>
/// One long hold: its fence, when it began and ended (<see cref="Stopwatch"/> timestamps; the end of the run ends a
/// hold too), and whether it ended because it was lost.
/// </summary>
public sealed record LongHold(long Fence, long AcquiredAt, long EndedAt, bool Lost);
