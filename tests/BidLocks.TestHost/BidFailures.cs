namespace BidLocks.TestHost;

/// <summary>
/// The bids of a bidder that did not go through, counted the same way in every bidding mode: a timeout, a refusal by
/// a failing backend, or a half-written ledger counter (another holder was inside the same posting).
/// </summary>
internal sealed class BidFailures
{
    private long _timeouts;
    private long _unavailable;
    private long _ledgerErrors;

    public long Timeouts => Interlocked.Read(ref _timeouts);

    public long Unavailable => Interlocked.Read(ref _unavailable);

    public long LedgerErrors => Interlocked.Read(ref _ledgerErrors);

    /// <summary>Runs one bid and counts how it failed; a cancellation (the run stopping) goes to the caller.</summary>
    public async Task TryAsync(Func<Task> bid)
    {
        try
        {
            await bid();
        }
        catch (BidLockTimeoutException)
        {
            Interlocked.Increment(ref _timeouts);
        }
        catch (BidLockUnavailableException)
        {
            Interlocked.Increment(ref _unavailable);
            // Pacing only: a refused call returns at once, and a tight loop would starve the machine.
            await Task.Delay(10, CancellationToken.None);
        }
        catch (Exception exception) when (exception is IOException or FormatException)
        {
            Interlocked.Increment(ref _ledgerErrors);
        }
    }
}
