using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using BidLocks.Generators.Analyzers;
using BidLocks.Generators.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;

namespace BidLocks.CodeFixes;

/// <summary>
/// BL0106: puts a member that identifies the value in a hole that formats the whole value (<c>{bid}</c> →
/// <c>{bid.PostingId}</c>), one action per member the analyzer found (ids first).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(KeyMemberCodeFix)), Shared]
public sealed class KeyMemberCodeFix : TemplateHoleCodeFix
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.UnstableKeyText.Id);

    /// <inheritdoc />
    public override FixAllProvider? GetFixAllProvider() => null;

    /// <inheritdoc />
    protected override IEnumerable<HoleReplacement> Replacements(Diagnostic diagnostic, string hole)
    {
        if (hole.Length == 0 || !diagnostic.Properties.TryGetValue(KeyTextAnalyzer.KeyMembersProperty, out string? members) || string.IsNullOrEmpty(members))
        {
            yield break;
        }

        foreach (string member in members!.Split(','))
        {
            string replacement = "{" + hole + "." + member + "}";
            yield return new HoleReplacement($"Lock on {replacement}", replacement, nameof(KeyMemberCodeFix) + "." + member);
        }
    }
}
