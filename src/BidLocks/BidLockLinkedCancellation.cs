using System.ComponentModel;

namespace BidLocks;

/// <summary>
/// The token a bid body receives: it fires when the caller cancels or when the lease is lost.
/// Generated code creates one per call (<see cref="BidLockLease.LinkCancellation"/>) and disposes it when the body
/// returns; hidden from completion because only generated code needs to name it.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct BidLockLinkedCancellation : IDisposable
{
    private readonly CancellationTokenSource? _linked;

    internal BidLockLinkedCancellation(CancellationToken callerToken, CancellationToken lostToken)
    {
        // Only allocate a linked source when both tokens can fire; otherwise one of them is the answer.
        if (!callerToken.CanBeCanceled)
        {
            Token = lostToken;
        }
        else if (!lostToken.CanBeCanceled)
        {
            Token = callerToken;
        }
        else
        {
            _linked = CancellationTokenSource.CreateLinkedTokenSource(callerToken, lostToken);
            Token = _linked.Token;
        }
    }

    /// <summary>Fires when the caller's token fires or the lease is lost.</summary>
    public CancellationToken Token { get; }

    /// <inheritdoc />
    public void Dispose() => _linked?.Dispose();
}
