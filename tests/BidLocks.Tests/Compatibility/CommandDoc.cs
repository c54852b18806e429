using StackExchange.Redis;

namespace BidLocks.Tests.Compatibility;

/// <summary>A change in a command's history: the version and the server's own text, e.g. 7.0.0 "Allowed the `NX` and `GET` options to be used together."</summary>
public sealed record CommandHistoryEntry(Version Version, string Text);

/// <summary>
/// What a server's <c>COMMAND DOCS</c> says of one command: since when it exists, its history, and each option token
/// with the version it arrived in. A token's version is the latest <c>since</c> on its path through the argument tree,
/// since a token inherits it from the group it sits in (PEXPIRE's NX has none of its own; its <c>condition</c> group
/// says 7.0.0).
/// </summary>
public sealed record CommandDoc(string Name, Version Since, IReadOnlyList<CommandHistoryEntry> History, IReadOnlyDictionary<string, Version> Tokens)
{
    public static async Task<CommandDoc?> FetchAsync(IServer server, string command)
    {
        var reply = (RedisResult[]?)await server.ExecuteAsync("COMMAND", "DOCS", command);
        if (reply is not [_, var doc])
        {
            return null;
        }

        var fields = Fields(doc);
        var history = fields.TryGetValue("history", out var entries)
            ? ((RedisResult[])entries!).Select(entry => (RedisResult[])entry!).Select(entry => new CommandHistoryEntry(Version.Parse((string)entry[0]!), (string)entry[1]!)).ToList()
            : [];
        var tokens = new Dictionary<string, Version>(StringComparer.OrdinalIgnoreCase);
        var since = Version.Parse((string)fields["since"]!);
        if (fields.TryGetValue("arguments", out var arguments))
        {
            CollectTokens((RedisResult[])arguments!, since, tokens);
        }

        return new CommandDoc(command.ToUpperInvariant(), since, history, tokens);
    }

    private static void CollectTokens(RedisResult[] arguments, Version inherited, Dictionary<string, Version> tokens)
    {
        foreach (var argument in arguments)
        {
            var fields = Fields(argument);
            var since = fields.TryGetValue("since", out var own) && Version.Parse((string)own!) is var version && version > inherited ? version : inherited;
            if (fields.TryGetValue("token", out var token))
            {
                // The same token may appear in two places (ZADD's NX and a later group); the earliest arrival counts.
                var name = (string)token!;
                tokens[name] = tokens.TryGetValue(name, out var seen) && seen < since ? seen : since;
            }

            if (fields.TryGetValue("arguments", out var nested))
            {
                CollectTokens((RedisResult[])nested!, since, tokens);
            }
        }
    }

    /// <summary>A RESP2 flat key/value array (or a RESP3 map, which the client also gives as one) as a dictionary.</summary>
    private static Dictionary<string, RedisResult> Fields(RedisResult result)
    {
        var items = (RedisResult[])result!;
        var fields = new Dictionary<string, RedisResult>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i + 1 < items.Length; i += 2)
        {
            fields[(string)items[i]!] = items[i + 1];
        }

        return fields;
    }
}
