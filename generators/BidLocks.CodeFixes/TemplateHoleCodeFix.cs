using System.Collections.Generic;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Text;

namespace BidLocks.CodeFixes;

/// <summary>
/// A fix that rewrites one template hole (<c>{…}</c>) of a key template. Offered only when the diagnostic marks the
/// hole itself, inside a plain string literal: when the literal has escapes the analyzer marks the whole argument,
/// whose text is not the hole, and the fix leaves it alone.
/// </summary>
public abstract class TemplateHoleCodeFix : CodeFixProvider
{
    /// <summary>
    /// What may replace <paramref name="hole"/> (the text between the braces): for each, the action's title, the new
    /// hole, and its equivalence key (one key for all diagnostics lets "fix all" apply the action everywhere).
    /// </summary>
    protected abstract IEnumerable<HoleReplacement> Replacements(Diagnostic diagnostic, string hole);

    /// <inheritdoc />
    public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SourceText text = await context.Document.GetTextAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            TextSpan span = diagnostic.Location.SourceSpan;
            string written = text.ToString(span);
            if (written.Length < 2
                || !written.StartsWith("{", System.StringComparison.Ordinal)
                || !written.EndsWith("}", System.StringComparison.Ordinal))
            {
                continue;
            }

            foreach (HoleReplacement replacement in Replacements(diagnostic, written.Substring(1, written.Length - 2)))
            {
                context.RegisterCodeFix(
                    CodeAction.Create(
                        replacement.Title,
                        _ => Task.FromResult(context.Document.WithText(text.WithChanges(new TextChange(span, replacement.Text)))),
                        replacement.EquivalenceKey),
                    diagnostic);
            }
        }
    }
}

/// <summary>One way to rewrite a template hole: the action's title, the new hole's text, the action's equivalence key.</summary>
public readonly record struct HoleReplacement(string Title, string Text, string EquivalenceKey);
