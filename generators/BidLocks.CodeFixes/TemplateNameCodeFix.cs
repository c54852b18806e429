using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using BidLocks.Generators.Analyzers;
using BidLocks.Generators.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Text;

namespace BidLocks.CodeFixes;

/// <summary>
/// BL0003: replaces a template hole that names nothing with the name the analyzer suggests (<c>{PostingId}</c> →
/// <c>{postingId}</c>). Offered only when the diagnostic marks the hole itself, inside a plain string literal.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(TemplateNameCodeFix)), Shared]
public sealed class TemplateNameCodeFix : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.UnknownTemplateMember.Id);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SourceText text = await context.Document.GetTextAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            TextSpan span = diagnostic.Location.SourceSpan;
            string written = text.ToString(span);

            // The whole argument is marked when the literal has escapes: its text is not the hole, so leave it.
            if (!diagnostic.Properties.TryGetValue(BidLockMethodAnalyzer.ReplacementProperty, out string? replacement)
                || replacement is null
                || !written.StartsWith("{", System.StringComparison.Ordinal)
                || !written.EndsWith("}", System.StringComparison.Ordinal))
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Use {replacement}",
                    _ => Task.FromResult(context.Document.WithText(text.WithChanges(new TextChange(span, replacement)))),
                    nameof(TemplateNameCodeFix)),
                diagnostic);
        }
    }
}
