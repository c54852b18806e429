using System.Collections.Immutable;
using BidLocks.Generators.Emit;
using BidLocks.Generators.Parsing;

namespace BidLocks.Generators.Tests;

/// <summary>The template syntax and the literal escaping, without a compiler in the loop.</summary>
public sealed class TemplateParserTests
{
    [Theory]
    [InlineData("{marketplaceId}", "hole:marketplaceId")]
    [InlineData("{posting.Seller.Name}", "hole:posting.Seller.Name")]
    [InlineData("{@class}", "hole:class")]
    [InlineData("ebay", "text:ebay")]
    [InlineData("{{literal}}", "text:{literal}")]
    [InlineData("lot-{lot}/{{x}}", "text:lot-|hole:lot|text:/{x}")]
    [InlineData("{a}{b}", "hole:a|hole:b")]
    [InlineData("{{{a}}}", "text:{|hole:a|text:}")]
    public void Parses_holes_text_and_escaped_braces(string template, string expected)
    {
        ImmutableArray<TemplateToken> tokens = TemplateParser.Parse(template, out string? error);

        Assert.Null(error);
        Assert.Equal(expected, string.Join("|", tokens.Select(t => (t.IsHole ? "hole:" : "text:") + t.Text)));
    }

    [Theory]
    [InlineData("{a", "never closed")]
    [InlineData("a}", "unmatched '}'")]
    [InlineData("{}", "is not a parameter name")]
    [InlineData("{a.}", "is not a parameter name")]
    [InlineData("{.a}", "is not a parameter name")]
    [InlineData("{a b}", "is not a parameter name")]
    [InlineData("{n:D4}", "is not a parameter name")]
    [InlineData("{1a}", "is not a parameter name")]
    [InlineData("{a{b}}", "is not a parameter name")]
    public void Rejects_malformed_templates_saying_why(string template, string expected)
    {
        ImmutableArray<TemplateToken> tokens = TemplateParser.Parse(template, out string? error);

        Assert.Empty(tokens);
        Assert.NotNull(error);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("plain", "\"plain\"")]
    [InlineData("say \"hi\"", "\"say \\\"hi\\\"\"")]
    [InlineData("C:\\bids", "\"C:\\\\bids\"")]
    [InlineData("tab\there\nline", "\"tab\\there\\nline\"")]
    [InlineData("sep\u2028x", "\"sep\\u2028x\"")]
    [InlineData("{braces}", "\"{braces}\"")]
    public void String_literals_escape_what_C_sharp_needs(string value, string expected)
        => Assert.Equal(expected, CSharpLiterals.String(value));

    [Theory]
    [InlineData("{x}", "{{x}}")]
    [InlineData("a\"b\\c", "a\\\"b\\\\c")]
    public void Interpolated_text_also_doubles_braces(string value, string expected)
        => Assert.Equal(expected, CSharpLiterals.InterpolatedText(value));

    [Theory]
    [InlineData(10.0, "10")]
    [InlineData(0.5, "0.5")]
    [InlineData(2.5e-5, "2.5E-05")]
    [InlineData(1e300, "1E+300")]
    public void Doubles_round_trip_in_the_invariant_culture(double value, string expected)
    {
        Assert.Equal(expected, CSharpLiterals.Double(value));
        Assert.Equal(value, double.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));
    }
}
