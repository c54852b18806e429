using System.Collections.Concurrent;
using System.Diagnostics;

namespace BidLocks.Tests.Failover;

/// <summary>
/// Workers that bid without pause through one manager while a test breaks the servers under them. Every call is
/// recorded with its monotonic time: a bid whose body ran (with its fence), or the exception that refused it. Each body
/// marks its posting busy while it runs, so two bodies on one posting at once count as an overlap. Tests wait for
/// the records they need (the first refusal, the first bid after it) instead of sleeping.
/// </summary>
internal sealed class BiddingLoop : IAsyncDisposable
{
    private readonly ConcurrentQueue<BidRecord> _records = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly int[] _inBody;
    private readonly object _gate = new();
    private readonly List<(Func<BidRecord, bool> Matches, TaskCompletionSource<BidRecord> Found)> _waits = [];
    private Task[] _workers = [];
    private int _overlaps;

    private BiddingLoop(int postings)
    {
        _inBody = new int[postings];
    }

    public IReadOnlyCollection<BidRecord> Records => _records;

    public int Overlaps => Volatile.Read(ref _overlaps);

    /// <param name="manager">The manager under test.</param>
    /// <param name="marketplace">A marketplace of the test's own.</param>
    /// <param name="workers">Workers, each on posting <c>worker % postings</c>.</param>
    /// <param name="postings">Postings they share.</param>
    public static BiddingLoop Start(IBidLockManager manager, string marketplace, int workers, int postings)
        => Start([manager], marketplace, workers, postings);

    /// <summary>
    /// <paramref name="workers"/> workers per manager, each manager its own client (as separate application instances
    /// are), all counted by one overlap counter per posting.
    /// </summary>
    public static BiddingLoop Start(IReadOnlyList<IBidLockManager> managers, string marketplace, int workers, int postings)
    {
        var loop = new BiddingLoop(postings);
        loop._workers = managers
            .SelectMany(manager => Enumerable.Range(0, workers).Select(worker => Task.Run(() => loop.BidAsync(manager, marketplace, worker % postings))))
            .ToArray();
        return loop;
    }

    /// <summary>The first record (already made or still to come) that <paramref name="matches"/>.</summary>
    public Task<BidRecord> FirstAsync(Func<BidRecord, bool> matches)
    {
        lock (_gate)
        {
            if (_records.FirstOrDefault(matches) is { } found)
            {
                return Task.FromResult(found);
            }

            var wait = new TaskCompletionSource<BidRecord>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waits.Add((matches, wait));
            return WithinAsync(wait.Task);
        }
    }

    /// <summary>What the loop did so far, for a failure message.</summary>
    public string Summary()
    {
        var records = _records.ToList();
        var errors = records.Where(record => !record.Succeeded).Select(record => $"{record.Error!.GetType().Name}: {record.Error.Message}").Distinct().Take(5);
        return $"{records.Count(record => record.Succeeded)} bids, {records.Count(record => !record.Succeeded)} refused; refusals: {string.Join(" | ", errors)}";
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_workers);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    private async Task<BidRecord> WithinAsync(Task<BidRecord> found)
    {
        try
        {
            return await found.WaitAsync(TimeSpan.FromSeconds(90), TestContext.Current.CancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The bidding did not reach the expected state within 90 s: {Summary()}");
        }
    }

    private async Task BidAsync(IBidLockManager manager, string marketplace, int posting)
    {
        while (!_stop.IsCancellationRequested)
        {
            BidLockLease lease;
            try
            {
                lease = await manager.AcquireAsync(marketplace, $"posting-{posting}", TimeSpan.FromSeconds(2), _stop.Token);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                Record(new BidRecord(Stopwatch.GetTimestamp(), 0, exception, posting));
                // Pacing only: a refused call returns at once, and a tight loop would starve the machine.
                await Task.Delay(5, CancellationToken.None);
                continue;
            }

            var acquiredAt = Stopwatch.GetTimestamp();
            if (Interlocked.Increment(ref _inBody[posting]) != 1)
            {
                Interlocked.Increment(ref _overlaps);
            }

            await Task.Yield();
            Interlocked.Decrement(ref _inBody[posting]);
            Record(new BidRecord(acquiredAt, lease.FencingToken, null, posting));
            try
            {
                await lease.DisposeAsync();
            }
            catch (BidLockUnavailableException)
            {
                // The server died under the hold: the lock expires by its TTL there, or never reached a replica.
            }
        }
    }

    private void Record(BidRecord record)
    {
        lock (_gate)
        {
            _records.Enqueue(record);
            foreach (var wait in _waits.Where(wait => wait.Matches(record)).ToList())
            {
                _waits.Remove(wait);
                wait.Found.TrySetResult(record);
            }
        }
    }
}

/// <summary>One call of a <see cref="BiddingLoop"/>.</summary>
/// <param name="At">When the lock was granted, or the call refused (a <see cref="Stopwatch"/> timestamp).</param>
/// <param name="Fence">The granted lease's fencing token; 0 when refused.</param>
/// <param name="Error">Why the call was refused; null when the body ran.</param>
/// <param name="Posting">Which posting (0 to postings - 1) the call bid on.</param>
internal sealed record BidRecord(long At, long Fence, Exception? Error, int Posting)
{
    public bool Succeeded => Error is null;
}
