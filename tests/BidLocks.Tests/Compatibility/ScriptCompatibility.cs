using System.Text.RegularExpressions;

namespace BidLocks.Tests.Compatibility;

/// <summary>
/// Checks the commands and options a set of Lua scripts uses against a baseline Redis version, with the history a
/// server keeps of its own commands (<c>COMMAND DOCS</c>, Redis 7.0+). Three rules, each on the server's words:
/// <list type="number">
/// <item>the command's <c>since</c> is after the baseline;</item>
/// <item>an option token the call passes arrived after it (the token's <c>since</c>, inherited from its group);</item>
/// <item>a history entry after it names options of the command in backquotes and the call uses them: any of them
/// when the entry says they were "Added", all of them otherwise ("Allowed the `NX` and `GET` options to be used
/// together" concerns only a call with both). An entry after the baseline that names no option cannot be matched to a
/// call and is a finding too, until someone reads it and lists it in <c>reviewed</c> with the reason.</item>
/// </list>
/// </summary>
public static partial class ScriptCompatibility
{
    public static async Task<IReadOnlyList<CompatibilityFinding>> CheckAsync(
        IReadOnlyDictionary<string, string> scripts,
        Func<string, Task<CommandDoc?>> docs,
        Version baseline,
        IReadOnlyDictionary<(string Command, Version Version), string>? reviewed = null)
    {
        var cache = new Dictionary<string, CommandDoc?>();
        var findings = new List<CompatibilityFinding>();
        foreach (var (script, text) in scripts)
        {
            foreach (var call in LuaCommandCalls.Find(text))
            {
                if (!cache.TryGetValue(call.Command, out var doc))
                {
                    cache[call.Command] = doc = await docs(call.Command);
                }

                findings.AddRange(Check(script, call, doc, baseline, reviewed));
            }
        }

        // One finding per call and option: the option's own `since` and the history entry that added it say the same.
        return findings.DistinctBy(finding => (finding.Script, finding.Line, finding.Command, finding.Option, finding.Since)).ToList();
    }

    private static IEnumerable<CompatibilityFinding> Check(string script, LuaCommandCall call, CommandDoc? doc, Version baseline, IReadOnlyDictionary<(string, Version), string>? reviewed)
    {
        if (doc is null)
        {
            yield return new CompatibilityFinding(script, call.Line, call.Command, "", null, "COMMAND DOCS has no entry for it.");
            yield break;
        }

        if (doc.Since > baseline)
        {
            yield return new CompatibilityFinding(script, call.Line, call.Command, "", doc.Since, $"the command arrived in {doc.Since}.");
        }

        var used = call.Literals.Where(doc.Tokens.ContainsKey).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var option in used.Where(option => doc.Tokens[option] > baseline))
        {
            yield return new CompatibilityFinding(script, call.Line, call.Command, option, doc.Tokens[option], $"the {option} option arrived in {doc.Tokens[option]}.");
        }

        foreach (var entry in doc.History.Where(entry => entry.Version > baseline))
        {
            var named = Backquoted().Matches(entry.Text).Select(match => match.Groups[1].Value).Where(doc.Tokens.ContainsKey).ToList();
            if (named.Count == 0)
            {
                if (reviewed is null || !reviewed.ContainsKey((doc.Name, entry.Version)))
                {
                    yield return new CompatibilityFinding(script, call.Line, call.Command, "", entry.Version, $"history says \"{entry.Text}\", which names no option to match; read it and list it as reviewed.");
                }

                continue;
            }

            var added = entry.Text.Contains("Added", StringComparison.OrdinalIgnoreCase);
            var hit = added ? named.Where(used.Contains).ToList() : named.All(used.Contains) ? named : [];
            if (hit.Count > 0)
            {
                yield return new CompatibilityFinding(script, call.Line, call.Command, string.Join("+", hit.Select(option => option.ToUpperInvariant())), entry.Version, $"history says \"{entry.Text}\"");
            }
        }
    }

    [GeneratedRegex("`([A-Za-z]+)`")]
    private static partial Regex Backquoted();
}
