namespace BidLocks.Benchmarks;

/// <summary>Interleaved rounds: each round starts with a different contender, so none always runs first (or last) on a warm machine.</summary>
internal static class Rotation
{
    public static IEnumerable<T> ForRound<T>(IReadOnlyList<T> items, int round)
        => items.Skip(round % items.Count).Concat(items.Take(round % items.Count));
}
