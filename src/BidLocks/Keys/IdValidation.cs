namespace BidLocks;

/// <summary>Rejects ids that could corrupt a key or collide after encoding, before any I/O.</summary>
internal static class IdValidation
{
    /// <summary>
    /// As <see cref="Require"/>, for a holder id (or the instance id that starts generated ones): it must not begin
    /// with <c>+</c> or <c>~</c>, which mark a Redis lock's value as having waiters or being reserved.
    /// </summary>
    public static void RequireHolder(string? value, string paramName, int maxLength)
    {
        Require(value, paramName, maxLength);
        if (RedisLockProtocol.IsStateMark(value![0]))
        {
            throw new ArgumentException($"A holder id must not begin with '{value[0]}': '+' and '~' mark the state of a Redis lock's value.", paramName);
        }
    }

    public static void Require(string? value, string paramName, int maxLength)
    {
        if (value is null)
        {
            throw new ArgumentNullException(paramName);
        }

        // Ids are compared ordinally: "P-77 " would be a lock of its own beside "P-77", so white space at either end is
        // refused rather than kept. Two character reads on the hot path; the whole id is scanned only when it fails.
        if (value.Length == 0 || char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]))
        {
            throw new ArgumentException(
                string.IsNullOrWhiteSpace(value)
                    ? "The id must not be empty or only white space."
                    : "The id must not begin or end with white space: ids are compared ordinally, so it would name another lock. Trim it (or normalise it in the [BidLock] template's source).",
                paramName);
        }

        if (value.Length > maxLength)
        {
            throw new ArgumentException($"The id is {value.Length} characters long; at most {maxLength} are allowed.", paramName);
        }

        // A lone surrogate has no UTF-8 form: Redis and SQLite would store U+FFFD, and two different ids would
        // become one key.
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                throw new ArgumentException($"The id has an unpaired UTF-16 surrogate at index {i}.", paramName);
            }
        }
    }
}
