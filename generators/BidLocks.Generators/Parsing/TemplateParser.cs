using System.Collections.Immutable;
using System.Text;

namespace BidLocks.Generators.Parsing;

/// <summary>One piece of a template before binding: literal text, or a hole's path such as <c>posting.Id</c>.</summary>
/// <param name="IsHole">True for a <c>{...}</c> hole.</param>
/// <param name="Text">The literal text (braces unescaped), or the hole's path segments.</param>
/// <param name="Start">Where a hole's opening brace is in the template, so a diagnostic can point at the hole.</param>
/// <param name="Length">The hole's length in the template, braces included.</param>
internal sealed record TemplateToken(bool IsHole, string Text, ImmutableArray<string> Path, int Start = 0, int Length = 0);

/// <summary>
/// Splits a lock-key template into literal text and holes. Purely textual: which names exist is the binder's job.
/// Syntax: <c>{name}</c> or <c>{name.Member.Member}</c> is a hole, <c>{{</c> and <c>}}</c> are braces, anything
/// else is literal. No format strings: values are formatted with the invariant culture's default format.
/// </summary>
internal static class TemplateParser
{
    public static ImmutableArray<TemplateToken> Parse(string template, out string? error)
    {
        error = null;
        ImmutableArray<TemplateToken>.Builder tokens = ImmutableArray.CreateBuilder<TemplateToken>();
        var literal = new StringBuilder();
        int i = 0;
        while (i < template.Length)
        {
            char c = template[i];
            if (c == '{' && i + 1 < template.Length && template[i + 1] == '{')
            {
                literal.Append('{');
                i += 2;
            }
            else if (c == '}' && i + 1 < template.Length && template[i + 1] == '}')
            {
                literal.Append('}');
                i += 2;
            }
            else if (c == '}')
            {
                error = $"an unmatched '}}' at position {i}; write '}}}}' for a literal brace";
                return ImmutableArray<TemplateToken>.Empty;
            }
            else if (c == '{')
            {
                int close = template.IndexOf('}', i + 1);
                if (close < 0)
                {
                    error = $"the '{{' at position {i} is never closed; write '{{{{' for a literal brace";
                    return ImmutableArray<TemplateToken>.Empty;
                }

                string hole = template.Substring(i + 1, close - i - 1);
                ImmutableArray<string> path = ParsePath(hole);
                if (path.IsEmpty)
                {
                    error = $"'{{{hole}}}' is not a parameter name or a member path such as 'posting.Id'";
                    return ImmutableArray<TemplateToken>.Empty;
                }

                if (literal.Length > 0)
                {
                    tokens.Add(new TemplateToken(false, literal.ToString(), ImmutableArray<string>.Empty));
                    literal.Clear();
                }

                tokens.Add(new TemplateToken(true, string.Join(".", path), path, i, close - i + 1));
                i = close + 1;
            }
            else
            {
                literal.Append(c);
                i++;
            }
        }

        if (literal.Length > 0)
        {
            tokens.Add(new TemplateToken(false, literal.ToString(), ImmutableArray<string>.Empty));
        }

        return tokens.ToImmutable();
    }

    // Dot-separated C# identifiers, each optionally written with '@'. Empty when the text is anything else.
    private static ImmutableArray<string> ParsePath(string hole)
    {
        string[] parts = hole.Split('.');
        ImmutableArray<string>.Builder path = ImmutableArray.CreateBuilder<string>(parts.Length);
        foreach (string part in parts)
        {
            string name = part.StartsWith("@", System.StringComparison.Ordinal) ? part.Substring(1) : part;
            if (!IsIdentifier(name))
            {
                return ImmutableArray<string>.Empty;
            }

            path.Add(name);
        }

        return path.MoveToImmutable();
    }

    private static bool IsIdentifier(string name)
    {
        if (name.Length == 0 || !Microsoft.CodeAnalysis.CSharp.SyntaxFacts.IsIdentifierStartCharacter(name[0]))
        {
            return false;
        }

        for (int i = 1; i < name.Length; i++)
        {
            if (!Microsoft.CodeAnalysis.CSharp.SyntaxFacts.IsIdentifierPartCharacter(name[i]))
            {
                return false;
            }
        }

        return true;
    }
}
