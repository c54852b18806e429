using System.Globalization;
using System.Text;

namespace BidLocks.Generators.Emit;

/// <summary>Writes values as C# source text. Culture-invariant: the build machine's locale never leaks in.</summary>
internal static class CSharpLiterals
{
    /// <summary>A regular string literal, quotes included.</summary>
    public static string String(string value)
    {
        var builder = new StringBuilder(value.Length + 2).Append('"');
        foreach (char c in value)
        {
            AppendEscaped(builder, c);
        }

        return builder.Append('"').ToString();
    }

    /// <summary>Literal text inside a regular interpolated string <c>$"..."</c>: also doubles the braces.</summary>
    public static string InterpolatedText(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (char c in value)
        {
            if (c == '{' || c == '}')
            {
                builder.Append(c).Append(c);
            }
            else
            {
                AppendEscaped(builder, c);
            }
        }

        return builder.ToString();
    }

    /// <summary>A double as the shortest text that round-trips, for example <c>10</c>, <c>0.5</c> or <c>1E-05</c>.</summary>
    public static string Double(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static void AppendEscaped(StringBuilder builder, char c)
    {
        switch (c)
        {
            case '"': builder.Append("\\\""); break;
            case '\\': builder.Append("\\\\"); break;
            case '\0': builder.Append("\\0"); break;
            case '\a': builder.Append("\\a"); break;
            case '\b': builder.Append("\\b"); break;
            case '\f': builder.Append("\\f"); break;
            case '\n': builder.Append("\\n"); break;
            case '\r': builder.Append("\\r"); break;
            case '\t': builder.Append("\\t"); break;
            case '\v': builder.Append("\\v"); break;
            default:
                // Control, format, separator (line breaks such as U+2028) and lone surrogate characters are escaped
                // so the generated file reads the same in every editor and stays one line per statement.
                UnicodeCategory category = char.GetUnicodeCategory(c);
                if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator
                    or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Surrogate or UnicodeCategory.OtherNotAssigned)
                {
                    builder.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                }
                else
                {
                    builder.Append(c);
                }

                break;
        }
    }
}
