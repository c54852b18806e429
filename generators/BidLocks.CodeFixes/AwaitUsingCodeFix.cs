using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using BidLocks.Generators.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace BidLocks.CodeFixes;

/// <summary>
/// BL0102: releases the lease at the end of its block on every path, with <c>await using</c>. A local declaration
/// becomes <c>await using var lease = ...</c> (an explicit DisposeAsync after it is harmless: disposing twice is a
/// no-op); a discarded <c>await ...AcquireAsync(...)</c> becomes one, holding the lock for the rest of the block,
/// which is what a statement that takes a lock and keeps nothing usually means.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AwaitUsingCodeFix)), Shared]
public sealed class AwaitUsingCodeFix : CodeFixProvider
{
    private const string Title = "Release the lease with 'await using'";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.LeaseNotDisposed.Id);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            SyntaxNode acquire = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            StatementSyntax? statement = acquire.FirstAncestorOrSelf<StatementSyntax>();
            StatementSyntax? replacement = statement switch
            {
                LocalDeclarationStatementSyntax { UsingKeyword.RawKind: 0, Declaration.Variables.Count: 1 } local
                    when local.Declaration.Variables[0].Initializer?.Value is AwaitExpressionSyntax => AwaitUsing(local),
                ExpressionStatementSyntax { Expression: AwaitExpressionSyntax awaited } discarded => Declare(discarded, awaited),
                _ => null,
            };

            // 'await using' declarations belong in blocks and switch sections, not as an if's lone statement.
            if (replacement is null || statement!.Parent is not (BlockSyntax or SwitchSectionSyntax))
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(Title, _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(statement, replacement))), Title),
                diagnostic);
        }
    }

    private static LocalDeclarationStatementSyntax AwaitUsing(LocalDeclarationStatementSyntax local)
        => local
            .WithAwaitKeyword(SyntaxFactory.Token(local.GetLeadingTrivia(), SyntaxKind.AwaitKeyword, SyntaxFactory.TriviaList(SyntaxFactory.Space)))
            .WithUsingKeyword(SyntaxFactory.Token(SyntaxKind.UsingKeyword).WithTrailingTrivia(SyntaxFactory.Space))
            .WithModifiers(local.Modifiers.Count == 0 ? local.Modifiers : local.Modifiers.Replace(local.Modifiers[0], local.Modifiers[0].WithLeadingTrivia()))
            .WithDeclaration(local.Modifiers.Count == 0 ? local.Declaration.WithType(local.Declaration.Type.WithLeadingTrivia()) : local.Declaration);

    private static LocalDeclarationStatementSyntax Declare(ExpressionStatementSyntax statement, AwaitExpressionSyntax awaited)
    {
        var declaration = (LocalDeclarationStatementSyntax)SyntaxFactory.ParseStatement($"await using var lease = {awaited.WithoutTrivia().ToFullString()};");
        return declaration.WithTriviaFrom(statement);
    }
}
