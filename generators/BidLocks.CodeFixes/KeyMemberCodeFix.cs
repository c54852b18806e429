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
/// BL0106: puts a member that identifies the value in a hole that formats the whole value (<c>{bid}</c> →
/// <c>{bid.PostingId}</c>), one action per member the analyzer found (ids first). Offered only when the diagnostic
/// marks the hole itself, inside a plain string literal.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(KeyMemberCodeFix)), Shared]
public sealed class KeyMemberCodeFix : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.UnstableKeyText.Id);

    /// <inheritdoc />
    public override FixAllProvider? GetFixAllProvider() => null;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SourceText text = await context.Document.GetTextAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            TextSpan span = diagnostic.Location.SourceSpan;
            string written = text.ToString(span);
            if (!diagnostic.Properties.TryGetValue(KeyTextAnalyzer.KeyMembersProperty, out string? members)
                || string.IsNullOrEmpty(members)
                || written.Length < 3
                || !written.StartsWith("{", System.StringComparison.Ordinal)
                || !written.EndsWith("}", System.StringComparison.Ordinal))
            {
                continue;
            }

            string path = written.Substring(1, written.Length - 2);
            foreach (string member in members!.Split(','))
            {
                string replacement = "{" + path + "." + member + "}";
                context.RegisterCodeFix(
                    CodeAction.Create(
                        $"Lock on {replacement}",
                        _ => Task.FromResult(context.Document.WithText(text.WithChanges(new TextChange(span, replacement)))),
                        nameof(KeyMemberCodeFix) + "." + member),
                    diagnostic);
            }
        }
    }
}
