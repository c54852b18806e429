using System.Text;

namespace BidLocks.Tests.Compatibility;

public enum LuaTokenKind
{
    Name,
    String,
    Number,
    Symbol,
}

/// <summary>A Lua token; <see cref="Text"/> of a string is its value, quotes and escapes resolved.</summary>
public sealed record LuaToken(LuaTokenKind Kind, string Text, int Line);

/// <summary>
/// Splits Lua source into names, string literals, numbers and one-character symbols, dropping comments and white
/// space. Enough of Lua for <see cref="LuaCommandCalls"/>: long strings (<c>[[…]]</c>) are read as one token too,
/// but as a <see cref="LuaTokenKind.Symbol"/>, so a command name written as one is reported as not a literal.
/// </summary>
public static class LuaTokens
{
    public static IReadOnlyList<LuaToken> Read(string source)
    {
        var tokens = new List<LuaToken>();
        var line = 1;
        var i = 0;
        while (i < source.Length)
        {
            var c = source[i];
            if (c == '\n')
            {
                line++;
                i++;
            }
            else if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '-' && Next(source, i) == '-')
            {
                i = SkipComment(source, i + 2, ref line);
            }
            else if (c is '\'' or '"')
            {
                var start = line;
                tokens.Add(new LuaToken(LuaTokenKind.String, ReadString(source, ref i, ref line), start));
            }
            else if (c == '[' && LongBracketLevel(source, i) is >= 0 and var level)
            {
                var start = line;
                i = SkipLongBracket(source, i, level, ref line);
                tokens.Add(new LuaToken(LuaTokenKind.Symbol, "[[long string]]", start));
            }
            else if (char.IsLetter(c) || c == '_')
            {
                var from = i;
                while (i < source.Length && (char.IsLetterOrDigit(source[i]) || source[i] == '_'))
                {
                    i++;
                }

                tokens.Add(new LuaToken(LuaTokenKind.Name, source[from..i], line));
            }
            else if (char.IsDigit(c))
            {
                var from = i;
                while (i < source.Length && (char.IsLetterOrDigit(source[i]) || source[i] == '.'))
                {
                    i++;
                }

                tokens.Add(new LuaToken(LuaTokenKind.Number, source[from..i], line));
            }
            else
            {
                tokens.Add(new LuaToken(LuaTokenKind.Symbol, c.ToString(), line));
                i++;
            }
        }

        return tokens;
    }

    private static char Next(string source, int i) => i + 1 < source.Length ? source[i + 1] : '\0';

    private static int SkipComment(string source, int i, ref int line)
    {
        if (i < source.Length && source[i] == '[' && LongBracketLevel(source, i) is >= 0 and var level)
        {
            return SkipLongBracket(source, i, level, ref line);
        }

        while (i < source.Length && source[i] != '\n')
        {
            i++;
        }

        return i;
    }

    /// <summary>The level of a long bracket opening at <paramref name="i"/> (<c>[[</c> is 0, <c>[=[</c> 1), or -1.</summary>
    private static int LongBracketLevel(string source, int i)
    {
        var j = i + 1;
        while (j < source.Length && source[j] == '=')
        {
            j++;
        }

        return j < source.Length && source[j] == '[' ? j - i - 1 : -1;
    }

    private static int SkipLongBracket(string source, int i, int level, ref int line)
    {
        var close = "]" + new string('=', level) + "]";
        var end = source.IndexOf(close, i + level + 2, StringComparison.Ordinal);
        if (end < 0)
        {
            throw new FormatException($"Line {line}: an unclosed long bracket.");
        }

        line += source.AsSpan(i, end - i).Count('\n');
        return end + close.Length;
    }

    private static string ReadString(string source, ref int i, ref int line)
    {
        var quote = source[i++];
        var value = new StringBuilder();
        while (i < source.Length && source[i] != quote)
        {
            var c = source[i++];
            if (c == '\n')
            {
                throw new FormatException($"Line {line}: a string literal runs past the end of its line.");
            }

            if (c == '\\' && i < source.Length)
            {
                // The escape's value does not matter for an option name; keep the escaped character.
                c = source[i++];
            }

            value.Append(c);
        }

        if (i >= source.Length)
        {
            throw new FormatException($"Line {line}: an unclosed string literal.");
        }

        i++;
        return value.ToString();
    }
}
