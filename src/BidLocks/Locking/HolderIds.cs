using System.Globalization;
using System.Security.Cryptography;

namespace BidLocks;

/// <summary>
/// Holder ids: <c>&lt;instance&gt;:&lt;random 128-bit&gt;:&lt;unix ms&gt;</c>. The random part makes them unguessable, so nobody
/// else can release a lock; the time (this host's wall clock when the holder first asked for the lock) lets inspection
/// tell how long a Redis lock has been held without the uncontended acquire doing any more work on the server.
/// </summary>
internal static class HolderIds
{
    // Random bytes are drawn from the system's CSPRNG a batch at a time: one call costs about as much as a whole
    // lock round trip's client work, and every acquire needs 16 bytes. Each byte is still used once only.
    private const int BatchBytes = 1024;

    private const int RandomDigits = 32;

    // Unix milliseconds have 13 digits from 2001 until 2286.
    private const int TimeDigits = 13;

    [ThreadStatic]
    private static byte[]? t_batch;

    [ThreadStatic]
    private static int t_used;

    public static string DefaultInstanceId { get; } = $"{Environment.MachineName}-{Environment.ProcessId}";

    public static string New(string instanceId)
    {
        var batch = t_batch ??= new byte[BatchBytes];
        if (t_used == 0 || t_used + 16 > BatchBytes)
        {
            RandomNumberGenerator.Fill(batch);
            t_used = 0;
        }

        var random = batch.AsSpan(t_used, 16);
        t_used += 16;
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var id = string.Create(instanceId.Length + 2 + RandomDigits + TimeDigits, (instanceId, batch, t_used - 16, now), static (chars, state) =>
        {
            // Written in place: one string per holder id, nothing else allocated.
            var (instance, bytes, offset, time) = state;
            instance.AsSpan().CopyTo(chars);
            chars[instance.Length] = ':';
            var hex = chars.Slice(instance.Length + 1, RandomDigits);
            for (var i = 0; i < 16; i++)
            {
                hex[2 * i] = HexDigit(bytes[offset + i] >> 4);
                hex[(2 * i) + 1] = HexDigit(bytes[offset + i] & 0xF);
            }

            chars[instance.Length + 1 + RandomDigits] = ':';
            time.TryFormat(chars[(instance.Length + 2 + RandomDigits)..], out _, "D13", CultureInfo.InvariantCulture);
        });
        // Spent bytes are wiped so they cannot be read back from the buffer.
        random.Clear();
        return id;
    }

    /// <summary>
    /// The instance and the time of a holder id this library made; false for one a caller named
    /// (<see cref="IBidLockManager.AcquireLockAsync"/>), which has neither.
    /// </summary>
    public static bool TryParse(string holderId, out string instanceId, out DateTimeOffset askedAt)
    {
        instanceId = string.Empty;
        askedAt = default;
        var timeStart = holderId.Length - TimeDigits;
        var randomStart = timeStart - 1 - RandomDigits;
        if (randomStart < 2 || holderId[timeStart - 1] != ':' || holderId[randomStart - 1] != ':')
        {
            return false;
        }

        foreach (var c in holderId.AsSpan(randomStart, RandomDigits))
        {
            if (!char.IsAsciiHexDigitUpper(c))
            {
                return false;
            }
        }

        if (!long.TryParse(holderId.AsSpan(timeStart), NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds))
        {
            return false;
        }

        instanceId = holderId[..(randomStart - 1)];
        askedAt = DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
        return true;
    }

    private static char HexDigit(int value) => (char)(value < 10 ? '0' + value : 'A' + value - 10);
}
