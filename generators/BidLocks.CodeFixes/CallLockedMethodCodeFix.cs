using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using BidLocks.Generators.Analyzers;
using BidLocks.Generators.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace BidLocks.CodeFixes;

/// <summary>
/// BL0101: calls the <c>[BidLock]</c> method instead of its Core, so the call takes the lock. The lease argument, which
/// only the generated code can supply, is dropped; every other argument is the same.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(CallLockedMethodCodeFix)), Shared]
public sealed class CallLockedMethodCodeFix : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.CoreCalledDirectly.Id);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        SemanticModel? model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return;
        }

        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            // Only calls: a delegate of the Core has the Core's delegate type, which the locked method may not fit.
            if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<InvocationExpressionSyntax>() is not { } call
                || model.GetSymbolInfo(call, context.CancellationToken).Symbol is not IMethodSymbol core
                || LockSymbols.From(model.Compilation)?.LockedMethodOfCore(core.OriginalDefinition) is not { } locked)
            {
                continue;
            }

            string lockedName = locked.Name;

            // The lease argument, wherever it was written (positionally last, or named).
            ArgumentSyntax? lease = (model.GetOperation(call, context.CancellationToken) as IInvocationOperation)?.Arguments
                .FirstOrDefault(a => a.Parameter?.Type.ToDisplayString() == "BidLocks.BidLockLease")?.Syntax as ArgumentSyntax;
            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Call {lockedName} (takes the lock)",
                    _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(call, Rewrite(call, lockedName, lease)))),
                    nameof(CallLockedMethodCodeFix)),
                diagnostic);
        }
    }

    private static InvocationExpressionSyntax Rewrite(InvocationExpressionSyntax call, string lockedName, ArgumentSyntax? lease)
    {
        ExpressionSyntax target = call.Expression switch
        {
            MemberAccessExpressionSyntax member => member.WithName(Rename(member.Name, lockedName)),
            SimpleNameSyntax name => Rename(name, lockedName),
            _ => call.Expression,
        };
        ArgumentListSyntax arguments = call.ArgumentList;
        if (lease is not null && arguments.Arguments.Contains(lease))
        {
            arguments = arguments.WithArguments(arguments.Arguments.Remove(lease));
        }

        return call.WithExpression(target).WithArgumentList(arguments);
    }

    private static SimpleNameSyntax Rename(SimpleNameSyntax name, string newName)
        => name.WithIdentifier(SyntaxFactory.Identifier(name.Identifier.LeadingTrivia, newName, name.Identifier.TrailingTrivia));
}
