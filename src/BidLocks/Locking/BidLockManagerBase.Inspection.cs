namespace BidLocks;

/// <summary>Inspection and forced release: read-only views of who holds what, and the operator's override.</summary>
public abstract partial class BidLockManagerBase
{
    /// <inheritdoc />
    public ValueTask<BidLockInfo?> InspectAsync(string marketplaceId, string postingId, CancellationToken cancellationToken = default)
    {
        var key = CreateKey(marketplaceId, postingId);
        return InspectKeyAsync(key, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<BidLockInfo>> ListHeldAsync(string? marketplaceId, int limit, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        if (marketplaceId is not null)
        {
            IdValidation.Require(marketplaceId, nameof(marketplaceId), BidLockDefaults.MaxIdLength);
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return ListKeysAsync(marketplaceId, limit, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<BidLockForcedRelease?> ForceReleaseAsync(string marketplaceId, string postingId, string requestedBy, CancellationToken cancellationToken = default)
    {
        var key = CreateKey(marketplaceId, postingId);
        IdValidation.Require(requestedBy, nameof(requestedBy), BidLockDefaults.MaxHolderIdLength);
        return ForceReleaseKeyAsync(key, requestedBy, cancellationToken);
    }

    private async ValueTask<BidLockInfo?> InspectKeyAsync(BidLockKey key, CancellationToken cancellationToken)
    {
        BidLockInfo? info;
        try
        {
            info = await _store.InspectAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (IsBackendFailure(exception, cancellationToken))
        {
            throw BackendFailure("inspect", key.Value, exception);
        }

        // In memory the only queue is this process's own.
        return info is not null && !_store.CountsWaiters ? info with { Waiters = _queues.Waiting(key.Value) } : info;
    }

    private async ValueTask<IReadOnlyList<BidLockInfo>> ListKeysAsync(string? marketplaceId, int limit, CancellationToken cancellationToken)
    {
        IReadOnlyList<BidLockInfo> held;
        try
        {
            held = await _store.ListHeldAsync(_keyPrefix, marketplaceId, limit, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (IsBackendFailure(exception, cancellationToken))
        {
            throw BackendFailure("list", BidLockKeyDecoder.KeyStart(_keyPrefix, marketplaceId) + "…", exception);
        }

        return !_store.CountsWaiters ? [.. held.Select(info => info with { Waiters = _queues.Waiting(info.Key) })] : held;
    }

    private async ValueTask<BidLockForcedRelease?> ForceReleaseKeyAsync(BidLockKey key, string requestedBy, CancellationToken cancellationToken)
    {
        BrokenHold? broken;
        try
        {
            // Left for the broken holder, whose manager reads it when its next renewal finds the lock gone.
            var note = new ForcedReleaseNote(requestedBy, _time.GetUtcNow()).Format();
            broken = await _store.ForceReleaseAsync(key, note, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (IsBackendFailure(exception, cancellationToken))
        {
            throw BackendFailure("forced release", key.Value, exception);
        }

        if (broken is not { } hold)
        {
            return null;
        }

        InspectionLog.ForcedRelease(Logger, requestedBy, Backend, key.Value, hold.HolderId ?? "(reserved for the next waiter)", hold.PreviousFencingToken, hold.FencingToken);
        // Waiters of this process try at once instead of at their next backoff.
        _queues.NotifyReleased(key.Value);
        return new BidLockForcedRelease(key.MarketplaceId, key.PostingId, hold.HolderId, hold.PreviousFencingToken, hold.FencingToken, requestedBy);
    }
}
