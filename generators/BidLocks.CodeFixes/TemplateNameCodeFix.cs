using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using BidLocks.Generators.Analyzers;
using BidLocks.Generators.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;

namespace BidLocks.CodeFixes;

/// <summary>
/// BL0003: replaces a template hole that names nothing with the name the analyzer suggests (<c>{PostingId}</c> →
/// <c>{postingId}</c>).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(TemplateNameCodeFix)), Shared]
public sealed class TemplateNameCodeFix : TemplateHoleCodeFix
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.UnknownTemplateMember.Id);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    protected override IEnumerable<HoleReplacement> Replacements(Diagnostic diagnostic, string hole)
    {
        if (diagnostic.Properties.TryGetValue(BidLockMethodAnalyzer.ReplacementProperty, out string? replacement) && replacement is not null)
        {
            yield return new HoleReplacement($"Use {replacement}", replacement, nameof(TemplateNameCodeFix));
        }
    }
}
