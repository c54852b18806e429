using System.Text;

namespace BidLocks;

/// <summary>
/// One lock's identity and its storage key <c>{prefix}{&lt;marketplace&gt;:&lt;posting&gt;}</c>. Each component is
/// percent-encoded (<c>%</c>, <c>:</c>, <c>{</c>, <c>}</c>, white space, control characters), so different pairs never
/// share a key, and the braces form one Redis Cluster hash tag for every key of the lock.
/// </summary>
internal readonly struct BidLockKey
{
    private BidLockKey(string marketplaceId, string postingId, string value)
    {
        MarketplaceId = marketplaceId;
        PostingId = postingId;
        Value = value;
    }

    public string MarketplaceId { get; }

    public string PostingId { get; }

    /// <summary>The encoded key, for example <c>bidlock:{ebay:123}</c>.</summary>
    public string Value { get; }

    public static BidLockKey Create(string prefix, string? marketplaceId, string? postingId)
    {
        IdValidation.Require(marketplaceId, nameof(marketplaceId), BidLockDefaults.MaxIdLength);
        IdValidation.Require(postingId, nameof(postingId), BidLockDefaults.MaxIdLength);
        if (!NeedsEscape(marketplaceId!) && !NeedsEscape(postingId!))
        {
            // The usual case, nothing to encode: one allocation, written in place.
            return new BidLockKey(marketplaceId!, postingId!, Plain(prefix, marketplaceId!, postingId!));
        }

        var builder = new StringBuilder(prefix.Length + marketplaceId!.Length + postingId!.Length + 3);
        builder.Append(prefix).Append('{');
        AppendEscaped(builder, marketplaceId);
        builder.Append(':');
        AppendEscaped(builder, postingId);
        builder.Append('}');
        return new BidLockKey(marketplaceId, postingId, builder.ToString());
    }

    /// <summary>A key already made from these ids by <see cref="Create"/>, for a cache: no validation, no allocation.</summary>
    public static BidLockKey FromValidated(string marketplaceId, string postingId, string value) => new(marketplaceId, postingId, value);

    /// <summary>True when neither id needed escaping: the key spells both out as they are (escaping only lengthens).</summary>
    public bool IsPlain(string prefix) => Value.Length == prefix.Length + MarketplaceId.Length + PostingId.Length + 3;

    private static string Plain(string prefix, string marketplaceId, string postingId)
        => string.Create(prefix.Length + marketplaceId.Length + postingId.Length + 3, (prefix, marketplaceId, postingId), static (chars, parts) =>
        {
            parts.prefix.AsSpan().CopyTo(chars);
            var at = parts.prefix.Length;
            chars[at++] = '{';
            parts.marketplaceId.AsSpan().CopyTo(chars[at..]);
            at += parts.marketplaceId.Length;
            chars[at++] = ':';
            parts.postingId.AsSpan().CopyTo(chars[at..]);
            chars[^1] = '}';
        });

    public static string Escape(string component)
    {
        var builder = new StringBuilder(component.Length);
        AppendEscaped(builder, component);
        return builder.ToString();
    }

    private static void AppendEscaped(StringBuilder builder, string component)
    {
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < component.Length; i++)
        {
            var c = component[i];
            if (!NeedsEscape(c))
            {
                builder.Append(c);
                continue;
            }

            // Every character that needs escaping is in the BMP (white space, controls, ASCII punctuation).
            var length = Encoding.UTF8.GetBytes(component.AsSpan(i, 1), utf8);
            for (var b = 0; b < length; b++)
            {
                builder.Append('%').Append(HexDigit(utf8[b] >> 4)).Append(HexDigit(utf8[b] & 0xF));
            }
        }
    }

    private static bool NeedsEscape(string component)
    {
        foreach (var c in component)
        {
            if (NeedsEscape(c))
            {
                return true;
            }
        }

        return false;
    }

    private static bool NeedsEscape(char c)
        => c is '%' or ':' or '{' or '}' || char.IsWhiteSpace(c) || char.IsControl(c);

    private static char HexDigit(int value) => (char)(value < 10 ? '0' + value : 'A' + value - 10);

    public override string ToString() => Value;
}
