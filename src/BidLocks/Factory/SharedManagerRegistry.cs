namespace BidLocks;

/// <summary>
/// The manager behind <see cref="BidLockManagerFactory.GetSharedAsync"/>, which <c>[BidLock]</c> types without an
/// <see cref="IBidLockManager"/> member lock with. Where a container's <c>AddBidLocks</c> has started a manager, that
/// manager is the shared one: otherwise those types would lock with a second manager made from environment variables
/// alone, deaf to the container's configuration and host environment, and so possibly on a weaker backend.
/// </summary>
/// <remarks>
/// Two managers that lock in different places in one process are an error, raised where it can first be seen: at
/// container start when the environment-made manager already exists and disagrees (the host does not start), and at
/// the memberless call when several live containers disagree (the call fails before its body runs). Containers that
/// lock in the same place (the same SQLite file or Redis database, and key prefix) exclude each other, so any of them
/// will do.
/// </remarks>
internal static class SharedManagerRegistry
{
    private static readonly object Gate = new();
    private static readonly SemaphoreSlim CreationGate = new(1, 1);

    // Copied on write under Gate, read without it.
    private static StartedBackend[] s_containers = [];
    private static StartedBackend? s_fromEnvironment;

    public static ValueTask<IBidLockManager> GetAsync(CancellationToken cancellationToken)
    {
        var containers = Volatile.Read(ref s_containers);
        if (containers.Length > 0)
        {
            return new ValueTask<IBidLockManager>(Choose(containers));
        }

        return Volatile.Read(ref s_fromEnvironment) is { } made
            ? new ValueTask<IBidLockManager>(made.Manager)
            : CreateFromEnvironmentAsync(cancellationToken);
    }

    /// <summary>Makes a container's manager the shared one, while it lives.</summary>
    /// <exception cref="InvalidOperationException">The environment-made shared manager already locks somewhere else.</exception>
    public static void Attach(StartedBackend container)
    {
        lock (Gate)
        {
            if (s_fromEnvironment is { } made && made.Target != container.Target)
            {
                throw new InvalidOperationException(
                    $"BidLocks cannot start: this process already has a shared lock manager, made by BidLockManagerFactory.GetSharedAsync() from the environment "
                    + $"variables before this container started, that locks {made.Target}, while this container's manager locks {container.Target}. "
                    + "A [BidLock] type without an IBidLockManager member would lock in one place and the rest of the application in the other. "
                    + "Make the environment variables agree with the configuration, or start the host before anything takes a bid lock.");
            }

            s_containers = [.. s_containers, container];
        }
    }

    /// <summary>Forgets a container's manager, before it is disposed.</summary>
    public static void Detach(IBidLockManager manager)
    {
        lock (Gate)
        {
            s_containers = s_containers.Where(container => !ReferenceEquals(container.Manager, manager)).ToArray();
        }
    }

    private static IBidLockManager Choose(StartedBackend[] containers)
    {
        var targets = containers.Select(container => container.Target).Distinct(StringComparer.Ordinal).ToList();
        return targets.Count == 1
            ? containers[0].Manager
            : throw new InvalidOperationException(
                $"BidLockManagerFactory.GetSharedAsync() cannot choose a lock manager: this process has {containers.Length} containers from AddBidLocks "
                + $"that lock in different places ({string.Join("; ", targets)}). Give the [BidLock] type an IBidLockManager constructor parameter, "
                + "field or property, so that it locks with its own container's manager.");
    }

    private static async ValueTask<IBidLockManager> CreateFromEnvironmentAsync(CancellationToken cancellationToken)
    {
        await CreationGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // A caller that waited on the gate finds the first caller's manager, or a container that started meanwhile.
            if (Volatile.Read(ref s_containers) is { Length: > 0 } started)
            {
                return Choose(started);
            }

            if (Volatile.Read(ref s_fromEnvironment) is { } existing)
            {
                return existing.Manager;
            }

            var created = await BidLockManagerFactory.StartAsync(null, Environment.GetEnvironmentVariable, host: null, cancellationToken).ConfigureAwait(false);
            StartedBackend[] attached;
            lock (Gate)
            {
                attached = s_containers;
                if (attached.Length == 0)
                {
                    s_fromEnvironment = created;
                    return created.Manager;
                }
            }

            // A container started while this one was being made: it wins, and this one was never handed out.
            await created.Manager.DisposeAsync().ConfigureAwait(false);
            return Choose(attached);
        }
        finally
        {
            CreationGate.Release();
        }
    }
}
