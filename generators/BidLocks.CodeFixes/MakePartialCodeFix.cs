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

namespace BidLocks.CodeFixes;

/// <summary>
/// BL0002: makes the type and every type around it partial. BL0001: makes a bodiless method a partial definition;
/// for a method with a body (partial or not), moves the body into a new private <c>{Name}Core</c> and leaves the
/// partial definition for the generator, so the body keeps its code and gains the lock; for a partial definition
/// with an implementation of its own, the implementation becomes the Core. Fix All batches them.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakePartialCodeFix)), Shared]
public sealed class MakePartialCodeFix : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.NotPartialDefinition.Id, DiagnosticDescriptors.ContainingTypeNotPartial.Id);

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
            SyntaxNode node = root.FindNode(diagnostic.Location.SourceSpan);

            // BL0002 is reported on the method, with the type that is not partial as its additional location.
            if (diagnostic.Id == DiagnosticDescriptors.ContainingTypeNotPartial.Id
                && diagnostic.AdditionalLocations.Count > 0
                && root.FindNode(diagnostic.AdditionalLocations[0].SourceSpan).FirstAncestorOrSelf<TypeDeclarationSyntax>() is { } type)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(
                        $"Make {type.Identifier.ValueText} partial",
                        _ => Task.FromResult(context.Document.WithSyntaxRoot(MakeTypesPartial(root, type))),
                        nameof(MakeTypesPartial)),
                    diagnostic);
            }
            else if (diagnostic.Id == DiagnosticDescriptors.NotPartialDefinition.Id
                && node.FirstAncestorOrSelf<MethodDeclarationSyntax>() is { } method)
            {
                // Every shape BL0001 is reported on gets a fix: without one for the first diagnostic, Fix All (and
                // so `dotnet format analyzers`) gives up on all of them.
                RegisterMethodFix(context, diagnostic, root, method);
            }
        }
    }

    private static void RegisterMethodFix(CodeFixContext context, Diagnostic diagnostic, SyntaxNode root, MethodDeclarationSyntax method)
    {
        string name = method.Identifier.ValueText;
        bool hasBody = method.Body is not null || method.ExpressionBody is not null;

        // A partial definition that has an implementation of its own: the implementation's body becomes the Core.
        if (!hasBody && method.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            if (method.Parent is TypeDeclarationSyntax owner
                && !owner.Members.OfType<MethodDeclarationSyntax>().Any(m => m.Identifier.ValueText == name + "Core")
                && Implementation(owner, method) is { } implementation)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(
                        $"Move the body of {name} into {name}Core and let the generator lock it",
                        _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(implementation, Core(implementation)))),
                        nameof(MoveBodyToCore)),
                    diagnostic);
            }

            return;
        }

        if (!hasBody)
        {
            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Make {name} partial",
                    _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(method, DeclarationEdits.MakePartialDefinition(method)))),
                    "MakeMethodPartial"),
                diagnostic);
            return;
        }

        // A Core already there would clash with the moved body; the user has to choose.
        if (method.Parent is TypeDeclarationSyntax type
            && !type.Members.OfType<MethodDeclarationSyntax>().Any(m => m.Identifier.ValueText == name + "Core"))
        {
            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Move the body of {name} into {name}Core and let the generator lock it",
                    _ => Task.FromResult(context.Document.WithSyntaxRoot(MoveBodyToCore(root, type, method))),
                    nameof(MoveBodyToCore)),
                diagnostic);
        }
    }

    private static SyntaxNode MakeTypesPartial(SyntaxNode root, TypeDeclarationSyntax innermost)
        => root.ReplaceNodes(
            innermost.AncestorsAndSelf().OfType<TypeDeclarationSyntax>(),
            (original, rewritten) => DeclarationEdits.MakePartial((TypeDeclarationSyntax)rewritten));

    // The other part of a partial method in the same type declaration: same name, same parameter types, a body.
    private static MethodDeclarationSyntax? Implementation(TypeDeclarationSyntax type, MethodDeclarationSyntax definition)
        => type.Members.OfType<MethodDeclarationSyntax>().FirstOrDefault(m =>
            m != definition
            && m.Identifier.ValueText == definition.Identifier.ValueText
            && (m.Body is not null || m.ExpressionBody is not null)
            && m.Modifiers.Any(SyntaxKind.PartialKeyword)
            && m.ParameterList.Parameters.Select(p => p.Type?.ToString()).SequenceEqual(definition.ParameterList.Parameters.Select(p => p.Type?.ToString())));

    private static SyntaxNode MoveBodyToCore(SyntaxNode root, TypeDeclarationSyntax type, MethodDeclarationSyntax method)
    {
        MethodDeclarationSyntax definition = DeclarationEdits.MakePartialDefinition(method)
            .WithBody(null)
            .WithExpressionBody(null)
            .WithSemicolonToken(SyntaxFactory.Token(SyntaxKind.SemicolonToken))
            .WithParameterList(method.ParameterList.WithoutTrailingTrivia())
            .WithTrailingTrivia(SyntaxFactory.ElasticCarriageReturnLineFeed);

        int index = type.Members.IndexOf(method);
        TypeDeclarationSyntax updated = type.WithMembers(type.Members
            .RemoveAt(index)
            .Insert(index, definition)
            .Insert(index + 1, Core(method).WithLeadingTrivia(SyntaxFactory.ElasticCarriageReturnLineFeed)));
        return root.ReplaceNode(type, updated);
    }

    private static MethodDeclarationSyntax Core(MethodDeclarationSyntax method)
    {
        // The body keeps its own modifiers that matter to it (static, async, unsafe); it is private, so nothing
        // else can call it without the lock, and it takes the method's parameters as they are.
        SyntaxTokenList coreModifiers = SyntaxFactory.TokenList(
            new[] { SyntaxFactory.Token(SyntaxKind.PrivateKeyword) }.Concat(
                method.Modifiers.Where(m => m.Kind() is SyntaxKind.StaticKeyword or SyntaxKind.AsyncKeyword or SyntaxKind.UnsafeKeyword)
                    .Select(m => m.WithoutTrivia()))
            .Select(m => m.WithTrailingTrivia(SyntaxFactory.Space)));
        MethodDeclarationSyntax core = method
            .WithAttributeLists(default)
            .WithModifiers(coreModifiers)
            .WithReturnType(method.ReturnType.WithoutLeadingTrivia())
            .WithIdentifier(SyntaxFactory.Identifier(method.Identifier.ValueText + "Core"))
            .WithParameterList(DeclarationEdits.CoreParameters(method.ParameterList, names: null, leaseName: null))
            .WithLeadingTrivia(method.GetLeadingTrivia())
            .WithTrailingTrivia(method.GetTrailingTrivia());
        return DeclarationEdits.Formatted(core);
    }
}
