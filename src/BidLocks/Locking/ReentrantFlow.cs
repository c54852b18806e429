namespace BidLocks;

/// <summary>
/// Which locks the current async flow holds, so that taking a held lock again (a [BidLock] method calling another
/// on the same posting) succeeds instead of deadlocking.
/// </summary>
/// <remarks>
/// <see cref="AsyncLocal{T}"/> values set inside an async method do not flow back to its caller, so the node is
/// pushed by the synchronous part of the acquire call, in the caller's own context, and completed when the acquire
/// ends. Flows forked from a holder see its locks; sibling flows never see each other's, because each node is
/// reachable only from the flow that pushed it and that flow's children. A flow may start several acquires before it
/// awaits any (<c>Task.WhenAll</c>): their nodes stay chained while they are pending, so each is found once held.
/// </remarks>
internal static class ReentrantFlow
{
    private static readonly AsyncLocal<Node?> Current = new();

    /// <summary>The innermost node of the current flow (the start of a search that must pass over nodes pushed since).</summary>
    public static Node? Top => Current.Value;

    /// <summary>
    /// The node of this flow for <paramref name="key"/> of <paramref name="manager"/> whose lease is held, or whose
    /// acquire is still pending (the caller waits for it, then re-enters); null when the flow has neither.
    /// </summary>
    public static Node? Find(object manager, string key, Node? from)
    {
        for (var node = from; node is not null; node = node.Parent)
        {
            if (ReferenceEquals(node.Manager, manager) && node.Key == key && (node.IsPending || node.Lease is { IsHeld: true }))
            {
                return node;
            }
        }

        return null;
    }

    /// <summary>The lease this flow already holds on <paramref name="key"/> of <paramref name="manager"/>, if any.</summary>
    public static BidLockLease? FindHeld(object manager, string key, Node? from)
        => Find(manager, key, from) is { IsPending: false, Lease: { } lease } ? lease : null;

    /// <summary>Records, in the caller's flow, that it is taking <paramref name="key"/>.</summary>
    public static Node Push(object manager, string key)
    {
        var node = new Node(manager, key, LiveParent());
        Current.Value = node;
        return node;
    }

    /// <summary>Records, in the caller's flow, that it is taking every key of a multi-posting lock, one node each.</summary>
    public static Node[] PushSet(object manager, IReadOnlyList<string> keys)
    {
        var parent = LiveParent();
        var nodes = new Node[keys.Count];
        for (var i = 0; i < keys.Count; i++)
        {
            parent = nodes[i] = new Node(manager, keys[i], parent);
        }

        if (nodes.Length > 0)
        {
            Current.Value = nodes[^1];
        }

        return nodes;
    }

    // Skips nodes whose acquire failed or whose lease is gone, so that a long-lived flow taking many locks keeps a
    // short chain; pending ones stay, since they may yet be held.
    private static Node? LiveParent()
    {
        var parent = Current.Value;
        while (parent is not null && !parent.IsPending && parent.Lease is not { IsHeld: true })
        {
            parent = parent.Parent;
        }

        return parent;
    }

    internal sealed class Node
    {
        // What _done holds once the acquire has ended; before that it is null, or the source of a flow waiting for it.
        private static readonly object Ended = new();
        private BidLockLease? _lease;
        private object? _done;

        public Node(object manager, string key, Node? parent)
        {
            Manager = manager;
            Key = key;
            Parent = parent;
        }

        public object Manager { get; }

        public string Key { get; }

        public Node? Parent { get; }

        /// <summary>The lease, once the acquire has succeeded (possibly on another thread); null before, or after a failure.</summary>
        public BidLockLease? Lease => Volatile.Read(ref _lease);

        /// <summary>True until <see cref="Complete"/>.</summary>
        public bool IsPending => Volatile.Read(ref _done) != Ended;

        /// <summary>The acquire ended: with <paramref name="lease"/>, or null when it failed. Wakes a flow that waits for it.</summary>
        public void Complete(BidLockLease? lease)
        {
            Volatile.Write(ref _lease, lease);
            (Interlocked.Exchange(ref _done, Ended) as TaskCompletionSource)?.TrySetResult();
        }

        /// <summary>Completes when the acquire ends. A source is made only for a flow that waits (a rare case).</summary>
        public Task WhenCompleted()
        {
            var done = Volatile.Read(ref _done);
            if (done is null)
            {
                var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                done = Interlocked.CompareExchange(ref _done, created, null) ?? created;
            }

            return done == Ended ? Task.CompletedTask : ((TaskCompletionSource)done).Task;
        }
    }
}
