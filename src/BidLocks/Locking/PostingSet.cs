namespace BidLocks;

/// <summary>
/// The postings of one multi-posting lock, checked before any I/O and put in the one global order every caller takes
/// them in: their encoded keys, ordinal. Two callers whose sets overlap then always meet on the lowest shared key
/// first, so neither can hold a key the other is waiting for while waiting for one the other holds.
/// </summary>
internal static class PostingSet
{
    /// <summary>The distinct keys of <paramref name="postingIds"/> on <paramref name="marketplaceId"/>, in lock order.</summary>
    /// <exception cref="ArgumentException">
    /// The marketplace id is invalid, the set is null or empty, an element is null or invalid, or there are more than
    /// <see cref="BidLockDefaults.MaxPostingsPerLock"/> distinct postings.
    /// </exception>
    public static BidLockKey[] Order(string prefix, string marketplaceId, IEnumerable<string> postingIds)
    {
        IdValidation.Require(marketplaceId, nameof(marketplaceId), BidLockDefaults.MaxIdLength);
        ArgumentNullException.ThrowIfNull(postingIds);

        var keys = new Dictionary<string, BidLockKey>(StringComparer.Ordinal);
        var index = 0;
        foreach (var postingId in postingIds)
        {
            var key = CreateKey(prefix, marketplaceId, postingId, index++);
            // Stops early on an over-long set, so a huge (or endless) sequence is not read to its end.
            if (keys.TryAdd(key.Value, key) && keys.Count > BidLockDefaults.MaxPostingsPerLock)
            {
                throw new ArgumentException(
                    $"A multi-posting lock covers at most {BidLockDefaults.MaxPostingsPerLock} distinct postings; this set has more.",
                    nameof(postingIds));
            }
        }

        if (keys.Count == 0)
        {
            throw new ArgumentException("A multi-posting lock needs at least one posting; the set is empty.", nameof(postingIds));
        }

        var ordered = keys.Values.ToArray();
        Array.Sort(ordered, static (a, b) => string.CompareOrdinal(a.Value, b.Value));
        return ordered;
    }

    private static BidLockKey CreateKey(string prefix, string marketplaceId, string? postingId, int index)
    {
        // The element's position goes into the message; the argument named is the set itself, as the caller wrote it.
        if (postingId is null)
        {
            throw new ArgumentException($"postingIds[{index}] is null; every posting id must be a non-empty string.", "postingIds");
        }

        try
        {
            return BidLockKey.Create(prefix, marketplaceId, postingId);
        }
        catch (ArgumentException exception)
        {
            throw new ArgumentException($"postingIds[{index}] is not a valid posting id: {WithoutParameterName(exception)}", "postingIds", exception);
        }
    }

    // The inner message names the single-posting parameter; the outer exception names the set instead.
    private static string WithoutParameterName(ArgumentException exception)
        => exception.ParamName is { } name ? exception.Message.Replace($" (Parameter '{name}')", string.Empty, StringComparison.Ordinal) : exception.Message;
}
