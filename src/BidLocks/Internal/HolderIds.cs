using System.Security.Cryptography;

namespace BidLocks;

/// <summary>Holder ids: <c>&lt;instance&gt;:&lt;random 128-bit&gt;</c>, unguessable so nobody else can release a lock.</summary>
internal static class HolderIds
{
    // Random bytes are drawn from the system's CSPRNG a batch at a time: one call costs about as much as a whole
    // lock round trip's client work, and every acquire needs 16 bytes. Each byte is still used once only.
    private const int BatchBytes = 1024;

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
        var id = string.Create(instanceId.Length + 33, (instanceId, batch, t_used - 16), static (chars, state) =>
        {
            // Written in place: one string per holder id, nothing else allocated.
            var (instance, bytes, offset) = state;
            instance.AsSpan().CopyTo(chars);
            chars[instance.Length] = ':';
            var hex = chars[(instance.Length + 1)..];
            for (var i = 0; i < 16; i++)
            {
                hex[2 * i] = HexDigit(bytes[offset + i] >> 4);
                hex[(2 * i) + 1] = HexDigit(bytes[offset + i] & 0xF);
            }
        });
        // Spent bytes are wiped so they cannot be read back from the buffer.
        random.Clear();
        return id;
    }

    private static char HexDigit(int value) => (char)(value < 10 ? '0' + value : 'A' + value - 10);
}
