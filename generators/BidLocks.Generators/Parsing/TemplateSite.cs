using BidLocks.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace BidLocks.Generators.Parsing;

/// <summary>
/// Where a template was written, so a problem with one hole is reported on that hole (<c>{posting.Idd}</c>) rather
/// than on the whole attribute argument.
/// </summary>
internal sealed class TemplateSite
{
    private readonly ExpressionSyntax? _expression;

    public TemplateSite(ExpressionSyntax? expression, LocationInfo? fallback)
    {
        _expression = expression;
        Argument = expression is null ? fallback : LocationInfo.From(expression);
    }

    /// <summary>The whole argument: for problems with the template as a whole.</summary>
    public LocationInfo? Argument { get; }

    /// <summary>
    /// The characters <paramref name="start"/>..+<paramref name="length"/> of the template's value. Exact when the
    /// argument is a string literal whose source text is its value between quotes (no escape sequences, no line
    /// breaks); otherwise the whole argument, since value and source positions no longer line up.
    /// </summary>
    public LocationInfo? Hole(int start, int length)
    {
        if (_expression is not LiteralExpressionSyntax literal || !literal.IsKind(SyntaxKind.StringLiteralExpression))
        {
            return Argument;
        }

        SyntaxToken token = literal.Token;
        string text = token.Text;
        string value = token.ValueText;
        int at = text.StartsWith("@", System.StringComparison.Ordinal) ? 1 : 0;
        int quotes = 0;
        while (at + quotes < text.Length && text[at + quotes] == '"')
        {
            quotes++;
        }

        // "", @"" and """...""" on one line: the value sits between the opening and closing quotes unchanged.
        int prefix = at + quotes;
        bool identity = quotes > 0
            && text.Length == prefix + value.Length + quotes
            && string.CompareOrdinal(text, prefix, value, 0, value.Length) == 0;
        if (!identity || start < 0 || start + length > value.Length)
        {
            return Argument;
        }

        var span = new TextSpan(token.SpanStart + prefix + start, length);
        return LocationInfo.From(Location.Create(literal.SyntaxTree, span));
    }
}
