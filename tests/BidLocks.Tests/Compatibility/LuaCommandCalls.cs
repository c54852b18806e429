namespace BidLocks.Tests.Compatibility;

/// <summary>One <c>redis.call</c>/<c>redis.pcall</c> in a script: the command, and the options it passes as literals.</summary>
/// <param name="Line">1-based line in the script, for messages.</param>
/// <param name="Literals">Every argument after the command that is a single string literal, upper-cased
/// (<c>'NX'</c>, <c>"px"</c> → NX, PX). Which of them are options is for the command's own docs to say.</param>
public sealed record LuaCommandCall(string Command, int Line, IReadOnlyList<string> Literals);

/// <summary>
/// Finds the Redis commands a Lua script calls. A small Lua tokenizer, not a regular expression: string literals
/// (either quote, with escapes), comments (<c>--</c> and <c>--[[ ]]</c>) and nested brackets inside the argument list
/// are read as Lua reads them, so <c>'a,b'</c> or <c>f(x, y)</c> inside a call cannot shift the arguments, and a
/// call inside a comment does not count. A call this cannot check (the command not a literal, or <c>redis.call</c>
/// passed around as a value) is an error, so a script cannot slip a command past the compatibility test.
/// </summary>
public static class LuaCommandCalls
{
    public static IReadOnlyList<LuaCommandCall> Find(string script)
    {
        var tokens = LuaTokens.Read(script);
        var calls = new List<LuaCommandCall>();
        for (var i = 0; i < tokens.Count; i++)
        {
            if (!(tokens[i] is { Kind: LuaTokenKind.Name, Text: "redis" } && At(tokens, i + 1, ".") && i + 2 < tokens.Count
                && tokens[i + 2] is { Kind: LuaTokenKind.Name, Text: "call" or "pcall" } name))
            {
                continue;
            }

            if (!At(tokens, i + 3, "("))
            {
                throw new FormatException($"Line {name.Line}: redis.{name.Text} used other than as a direct call; the compatibility test cannot see which command it runs.");
            }

            var arguments = Arguments(tokens, i + 4, out var end);
            if (arguments.Count == 0 || arguments[0] is not [{ Kind: LuaTokenKind.String } command])
            {
                throw new FormatException($"Line {name.Line}: redis.{name.Text} whose command is not a string literal; the compatibility test cannot check it.");
            }

            var literals = arguments.Skip(1)
                .Where(argument => argument is [{ Kind: LuaTokenKind.String }])
                .Select(argument => argument[0].Text.ToUpperInvariant())
                .ToList();
            calls.Add(new LuaCommandCall(command.Text.ToUpperInvariant(), name.Line, literals));
            i = end;
        }

        return calls;
    }

    private static bool At(IReadOnlyList<LuaToken> tokens, int index, string symbol)
        => index < tokens.Count && tokens[index] is { Kind: LuaTokenKind.Symbol } token && token.Text == symbol;

    /// <summary>The arguments from <paramref name="start"/> (just after the opening bracket), split at top-level commas.</summary>
    private static List<List<LuaToken>> Arguments(IReadOnlyList<LuaToken> tokens, int start, out int end)
    {
        var arguments = new List<List<LuaToken>> { new() };
        var depth = 0;
        for (var i = start; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (token.Kind == LuaTokenKind.Symbol)
            {
                switch (token.Text)
                {
                    case "(" or "[" or "{":
                        depth++;
                        break;
                    case ")" or "]" or "}" when depth > 0:
                        depth--;
                        break;
                    case ")":
                        end = i;
                        return arguments[^1].Count == 0 && arguments.Count == 1 ? [] : arguments;
                    case "," when depth == 0:
                        arguments.Add([]);
                        continue;
                }
            }

            arguments[^1].Add(token);
        }

        throw new FormatException("A redis.call without its closing bracket.");
    }
}
