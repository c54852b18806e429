using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using BidLocks.Generators.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;
using Microsoft.CodeAnalysis.Text;

namespace BidLocks.CodeFixes;

/// <summary>
/// BL0004 (and BL0005 among several Cores): declares <c>{Name}Core</c> with the signature the generated call needs
/// (and the lease, for its fencing token), its body a <c>NotImplementedException</c> to fill in. BL0005 on the one
/// mismatched Core: rewrites its signature to match, keeping its body, its parameter names and its lease parameter.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(CoreMethodCodeFix)), Shared]
public sealed class CoreMethodCodeFix : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.CoreNotFound.Id, DiagnosticDescriptors.CoreMismatch.Id);

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
            if (root.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<MethodDeclarationSyntax>() is not { } method)
            {
                continue;
            }

            string name = method.Identifier.ValueText;

            // BL0005 with one Core carries it as the additional location: repair that one. Otherwise declare one.
            if (diagnostic.AdditionalLocations.Count > 0
                && context.Document.Project.Solution.GetDocument(diagnostic.AdditionalLocations[0].SourceTree) is { } coreDocument)
            {
                TextSpan coreSpan = diagnostic.AdditionalLocations[0].SourceSpan;
                context.RegisterCodeFix(
                    CodeAction.Create(
                        $"Change {name}Core to match {name}",
                        token => MatchAsync(coreDocument, coreSpan, method, token),
                        nameof(MatchAsync)),
                    diagnostic);
            }
            else
            {
                context.RegisterCodeFix(
                    CodeAction.Create(
                        $"Declare {name}Core",
                        _ => Task.FromResult(context.Document.WithSyntaxRoot(AddCore(root, method))),
                        nameof(AddCore)),
                    diagnostic);
            }
        }
    }

    private static async Task<Solution> MatchAsync(Document coreDocument, TextSpan coreSpan, MethodDeclarationSyntax locked, CancellationToken cancellationToken)
    {
        SyntaxNode? root = await coreDocument.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        SemanticModel? model = await coreDocument.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root?.FindNode(coreSpan).FirstAncestorOrSelf<MethodDeclarationSyntax>() is not { } core
            || model?.GetDeclaredSymbol(core, cancellationToken) is not { } coreSymbol)
        {
            return coreDocument.Project.Solution;
        }

        return coreDocument.WithSyntaxRoot(root.ReplaceNode(core, Match(core, coreSymbol, locked))).Project.Solution;
    }

    private static SyntaxNode AddCore(SyntaxNode root, MethodDeclarationSyntax method)
    {
        string leaseName = DeclarationEdits.UniqueName("lease", method.ParameterList.Parameters.Select(p => p.Identifier.ValueText));
        var modifiers = new List<SyntaxToken> { SyntaxFactory.Token(SyntaxKind.PrivateKeyword) };
        if (method.Modifiers.Any(SyntaxKind.StaticKeyword))
        {
            modifiers.Add(SyntaxFactory.Token(SyntaxKind.StaticKeyword));
        }

        ExpressionSyntax notImplemented = SyntaxFactory.ObjectCreationExpression(
            SyntaxFactory.ParseTypeName("global::System.NotImplementedException").WithAdditionalAnnotations(Simplifier.Annotation),
            SyntaxFactory.ArgumentList(),
            initializer: null);
        MethodDeclarationSyntax core = SyntaxFactory.MethodDeclaration(method.ReturnType.WithoutTrivia(), method.Identifier.ValueText + "Core")
            .WithModifiers(SyntaxFactory.TokenList(modifiers))
            .WithTypeParameterList(method.TypeParameterList?.WithoutTrivia())
            .WithParameterList(DeclarationEdits.CoreParameters(method.ParameterList, names: null, leaseName))
            .WithConstraintClauses(SyntaxFactory.List(method.ConstraintClauses.Select(c => c.WithoutTrivia())))
            .WithExpressionBody(SyntaxFactory.ArrowExpressionClause(SyntaxFactory.ThrowExpression(notImplemented)))
            .WithSemicolonToken(SyntaxFactory.Token(SyntaxKind.SemicolonToken));

        var type = (TypeDeclarationSyntax)method.Parent!;
        int index = type.Members.IndexOf(method);
        core = core.WithLeadingTrivia(SyntaxFactory.ElasticCarriageReturnLineFeed);
        return root.ReplaceNode(type, type.WithMembers(type.Members.Insert(index + 1, DeclarationEdits.Formatted(core))));
    }

    private static MethodDeclarationSyntax Match(MethodDeclarationSyntax core, IMethodSymbol coreSymbol, MethodDeclarationSyntax locked)
    {
        // Keep the body's own names for the parameters it already has, and its lease parameter wherever it was.
        List<string> names = coreSymbol.Parameters
            .Where(p => p.Type.ToDisplayString() != "BidLocks.BidLockLease")
            .Select(p => p.Name)
            .ToList();
        string? leaseName = coreSymbol.Parameters.FirstOrDefault(p => p.Type.ToDisplayString() == "BidLocks.BidLockLease")?.Name;
        MethodDeclarationSyntax result = core
            .WithReturnType(locked.ReturnType.WithTriviaFrom(core.ReturnType))
            .WithParameterList(DeclarationEdits.CoreParameters(locked.ParameterList, names, leaseName).WithTriviaFrom(core.ParameterList));

        if ((core.TypeParameterList?.Parameters.Count ?? 0) != (locked.TypeParameterList?.Parameters.Count ?? 0))
        {
            result = result
                .WithTypeParameterList(locked.TypeParameterList?.WithoutTrivia())
                .WithConstraintClauses(SyntaxFactory.List(locked.ConstraintClauses.Select(c => c.WithoutTrivia())));
        }

        if (locked.Modifiers.Any(SyntaxKind.StaticKeyword) && !core.Modifiers.Any(SyntaxKind.StaticKeyword))
        {
            int at = result.Modifiers.Count(m => m.Kind() is SyntaxKind.PublicKeyword or SyntaxKind.PrivateKeyword or SyntaxKind.ProtectedKeyword or SyntaxKind.InternalKeyword);
            result = result.WithModifiers(result.Modifiers.Insert(at, SyntaxFactory.Token(SyntaxKind.StaticKeyword).WithTrailingTrivia(SyntaxFactory.Space)));
        }

        return DeclarationEdits.Formatted(result);
    }
}
