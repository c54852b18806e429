using System.Text;
using CsCheck;

namespace BidLocks.Tests.Keys;

public sealed class BidLockKeyTests
{
    // Mostly the characters the encoding treats specially, plus letters, non-ASCII and a surrogate pair.
    private static readonly Gen<string> Ids = Gen.OneOf(
            Gen.Char[":{}% \t\n\r\u0000\u007f\u00a0\u2028"],
            Gen.Char['a', 'c'],
            Gen.Const('é'),
            Gen.Const('%'),
            Gen.Const('2'),
            Gen.Const('5'),
            Gen.Const('A'))
        .Array[1, 12]
        .Select(chars => new string(chars))
        .Select(id => id.Length % 5 == 0 ? id + "😀" : id)
        // Valid ids only: white space inside an id is encoded, at either end it is refused.
        .Where(id => !char.IsWhiteSpace(id[0]) && !char.IsWhiteSpace(id[^1]));

    [Fact]
    public void Distinct_pairs_never_share_a_key()
    {
        Gen.Select(Ids, Ids, Ids, Ids).Sample((m1, p1, m2, p2) =>
        {
            var first = BidLockKey.Create("bidlock:", m1, p1).Value;
            var second = BidLockKey.Create("bidlock:", m2, p2).Value;
            return (m1 == m2 && p1 == p2) == (first == second);
        }, iter: 20_000);
    }

    [Fact]
    public void Every_key_decodes_back_to_its_pair()
    {
        Gen.Select(Ids, Ids).Sample((marketplace, posting) =>
        {
            var key = BidLockKey.Create("bidlock:", marketplace, posting).Value;
            var (decodedMarketplace, decodedPosting) = Decode(key);
            return decodedMarketplace == marketplace && decodedPosting == posting;
        }, iter: 20_000);
    }

    [Fact]
    public void Keys_have_one_hash_tag_around_both_components()
    {
        var key = BidLockKey.Create("bidlock:", "ebay:{eu}", "100% 7");

        Assert.Equal("bidlock:{ebay%3A%7Beu%7D:100%25%207}", key.Value);
        Assert.Equal(1, key.Value.Count(c => c == '{'));
        Assert.Equal(1, key.Value.Count(c => c == '}'));
    }

    [Fact]
    public void Ids_that_differ_only_by_escaping_stay_apart()
    {
        var plain = BidLockKey.Create("bidlock:", "a:b", "c").Value;
        var split = BidLockKey.Create("bidlock:", "a", "b:c").Value;
        var preEscaped = BidLockKey.Create("bidlock:", "a%3Ab", "c").Value;

        Assert.Equal(3, new[] { plain, split, preEscaped }.Distinct().Count());
    }

    [Theory]
    [InlineData(null, "marketplaceId", typeof(ArgumentNullException))]
    [InlineData("", "marketplaceId", typeof(ArgumentException))]
    [InlineData(" \t", "marketplaceId", typeof(ArgumentException))]
    public void Bad_marketplace_ids_are_named(string? marketplaceId, string parameter, Type exceptionType)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => BidLockKey.Create("bidlock:", marketplaceId, "p"));

        Assert.IsType(exceptionType, error);
        Assert.Equal(parameter, error.ParamName);
    }

    [Fact]
    public void Oversized_ids_are_rejected_and_the_longest_allowed_is_accepted()
    {
        var longest = new string('p', BidLockDefaults.MaxIdLength);

        Assert.Equal("postingId", Assert.Throws<ArgumentException>(() => BidLockKey.Create("bidlock:", "m", longest + "p")).ParamName);
        Assert.EndsWith(longest + "}", BidLockKey.Create("bidlock:", "m", longest).Value);
    }

    private static (string Marketplace, string Posting) Decode(string key)
    {
        var tag = key["bidlock:{".Length..^1];
        var parts = tag.Split(':');
        Assert.Equal(2, parts.Length);
        return (Unescape(parts[0]), Unescape(parts[1]));
    }

    private static string Unescape(string component)
    {
        var bytes = new List<byte>();
        var builder = new StringBuilder();
        for (var i = 0; i < component.Length; i++)
        {
            if (component[i] == '%')
            {
                bytes.Add(Convert.ToByte(component.Substring(i + 1, 2), 16));
                i += 2;
                continue;
            }

            builder.Append(Encoding.UTF8.GetString(bytes.ToArray()));
            bytes.Clear();
            builder.Append(component[i]);
        }

        return builder.Append(Encoding.UTF8.GetString(bytes.ToArray())).ToString();
    }
}
