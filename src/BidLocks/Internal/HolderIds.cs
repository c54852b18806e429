using System.Security.Cryptography;

namespace BidLocks;

/// <summary>Holder ids: <c>&lt;instance&gt;:&lt;random 128-bit&gt;</c>, unguessable so nobody else can release a lock.</summary>
internal static class HolderIds
{
    public static string DefaultInstanceId { get; } = $"{Environment.MachineName}-{Environment.ProcessId}";

    public static string New(string instanceId)
    {
        Span<byte> random = stackalloc byte[16];
        RandomNumberGenerator.Fill(random);
        return string.Concat(instanceId, ":", Convert.ToHexString(random));
    }
}
