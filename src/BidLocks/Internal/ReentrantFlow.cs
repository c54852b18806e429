namespace BidLocks;

/// <summary>
/// Which locks the current async flow holds, so that taking a held lock again (a [BidLock] method calling another
/// on the same posting) succeeds instead of deadlocking.
/// </summary>
/// <remarks>
/// <see cref="AsyncLocal{T}"/> values set inside an async method do not flow back to its caller, so the node is
/// pushed by the synchronous part of the acquire call, in the caller's own context, and marked held when the
/// acquire completes. Flows forked from a holder see its locks; sibling flows never see each other's, because each
/// node is reachable only from the flow that pushed it and that flow's children.
/// </remarks>
internal static class ReentrantFlow
{
    private static readonly AsyncLocal<Node?> Current = new();

    /// <summary>The lease this flow already holds on <paramref name="key"/> of <paramref name="manager"/>, if any.</summary>
    public static BidLockLease? FindHeld(object manager, string key)
    {
        for (var node = Current.Value; node is not null; node = node.Parent)
        {
            if (ReferenceEquals(node.Manager, manager) && node.Key == key && node.Lease is { IsHeld: true } lease)
            {
                return lease;
            }
        }

        return null;
    }

    /// <summary>Records, in the caller's flow, that it is taking <paramref name="key"/>.</summary>
    public static Node Push(object manager, string key)
    {
        // Skip nodes whose lease is gone so that a long-lived flow taking many locks keeps a short chain.
        var parent = Current.Value;
        while (parent is not null && parent.Lease is not { IsHeld: true })
        {
            parent = parent.Parent;
        }

        var node = new Node(manager, key, parent);
        Current.Value = node;
        return node;
    }

    /// <summary>
    /// Records, in the caller's flow, that it is taking every key of a multi-posting lock, one node each. Unlike
    /// <see cref="Push"/> it keeps the nodes it pushes chained while none is held yet, so each is found once its
    /// member is taken.
    /// </summary>
    public static Node[] PushSet(object manager, IReadOnlyList<string> keys)
    {
        var parent = Current.Value;
        while (parent is not null && parent.Lease is not { IsHeld: true })
        {
            parent = parent.Parent;
        }

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

    internal sealed class Node
    {
        public Node(object manager, string key, Node? parent)
        {
            Manager = manager;
            Key = key;
            Parent = parent;
        }

        public object Manager { get; }

        public string Key { get; }

        public Node? Parent { get; }

        private BidLockLease? _lease;

        /// <summary>Set once the acquire succeeded, possibly on another thread.</summary>
        public BidLockLease? Lease
        {
            get => Volatile.Read(ref _lease);
            set => Volatile.Write(ref _lease, value);
        }
    }
}
