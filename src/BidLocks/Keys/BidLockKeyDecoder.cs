using System.Globalization;
using System.Text;

namespace BidLocks;

/// <summary>
/// The way back from a stored key (<c>bidlock:{ebay:42}</c>) to its marketplace and posting, for inspection, which
/// finds keys by scanning the store. <see cref="BidLockKey"/>'s encoding is injective, so this is exact.
/// </summary>
internal static class BidLockKeyDecoder
{
    /// <summary>False for a key that is not a lock key under <paramref name="prefix"/> (a fence or queue key, another prefix).</summary>
    public static bool TryDecode(string prefix, string key, out string marketplaceId, out string postingId)
    {
        marketplaceId = postingId = string.Empty;
        if (!key.StartsWith(prefix, StringComparison.Ordinal) || key.Length < prefix.Length + 5 || key[prefix.Length] != '{' || key[^1] != '}')
        {
            return false;
        }

        var inner = key.AsSpan(prefix.Length + 1, key.Length - prefix.Length - 2);
        var colon = inner.IndexOf(':');
        if (colon <= 0 || colon == inner.Length - 1 || inner[(colon + 1)..].IndexOfAny(':', '{', '}') >= 0 || inner[..colon].IndexOfAny('{', '}') >= 0)
        {
            return false;
        }

        return TryUnescape(inner[..colon], out marketplaceId) && TryUnescape(inner[(colon + 1)..], out postingId);
    }

    /// <summary>
    /// The Redis <c>SCAN MATCH</c> pattern for the lock keys under <paramref name="prefix"/>, of one marketplace when
    /// <paramref name="marketplaceId"/> is given. It ends in <c>}</c>, so a lock's fence, queue and other keys never match.
    /// </summary>
    public static string ScanPattern(string prefix, string? marketplaceId)
        => marketplaceId is null
            ? GlobEscape(prefix) + "{*:*}"
            : GlobEscape(prefix) + "{" + GlobEscape(BidLockKey.Escape(marketplaceId)) + ":*}";

    /// <summary>The start every lock key of <paramref name="marketplaceId"/> (or of any marketplace) has.</summary>
    public static string KeyStart(string prefix, string? marketplaceId)
        => marketplaceId is null ? prefix + "{" : prefix + "{" + BidLockKey.Escape(marketplaceId) + ":";

    private static string GlobEscape(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '*' or '?' or '[' or ']' or '\\' or '^' or '-')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    private static bool TryUnescape(ReadOnlySpan<char> component, out string value)
    {
        value = string.Empty;
        if (component.IndexOf('%') < 0)
        {
            value = component.ToString();
            return true;
        }

        var bytes = new List<byte>(component.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < component.Length; i++)
        {
            if (component[i] != '%')
            {
                var length = Encoding.UTF8.GetBytes(component.Slice(i, char.IsHighSurrogate(component[i]) && i + 1 < component.Length ? 2 : 1), utf8);
                i += char.IsHighSurrogate(component[i]) && i + 1 < component.Length ? 1 : 0;
                for (var b = 0; b < length; b++)
                {
                    bytes.Add(utf8[b]);
                }

                continue;
            }

            if (i + 2 >= component.Length || !byte.TryParse(component.Slice(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var escaped))
            {
                return false;
            }

            bytes.Add(escaped);
            i += 2;
        }

        value = Encoding.UTF8.GetString([.. bytes]);
        return true;
    }
}
