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
using Microsoft.CodeAnalysis.Editing;

namespace BidLocks.CodeFixes;

/// <summary>
/// BL0104: adds <c>CancellationToken cancellationToken = default</c> to the <c>[BidLock]</c> method (callers still
/// compile) and the same parameter, at the same position, to its Core, so the two keep matching.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddCancellationTokenCodeFix)), Shared]
public sealed class AddCancellationTokenCodeFix : CodeFixProvider
{
    private const string Title = "Add a CancellationToken parameter";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.MissingCancellationToken.Id);

    /// <inheritdoc />
    // Each fix edits its own method and Core, so the batch fixer's merge of their text changes does not conflict.
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        SemanticModel? model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (root?.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<MethodDeclarationSyntax>() is { } method
                && model?.GetDeclaredSymbol(method, context.CancellationToken) is { } symbol)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(Title, token => AddAsync(context.Document.Project.Solution, method, symbol, token), Title),
                    diagnostic);
            }
        }
    }

    private static async Task<Solution> AddAsync(Solution solution, MethodDeclarationSyntax method, IMethodSymbol symbol, CancellationToken cancellationToken)
    {
        string name = DeclarationEdits.UniqueName("cancellationToken", symbol.Parameters.Select(p => p.Name));

        // Before a params array, which must stay last; otherwise at the end.
        int index = symbol.Parameters.Length > 0 && symbol.Parameters[symbol.Parameters.Length - 1].IsParams
            ? symbol.Parameters.Length - 1
            : symbol.Parameters.Length;
        var editor = new SolutionEditor(solution);
        Document document = solution.GetDocument(method.SyntaxTree)!;
        DocumentEditor methodEditor = await editor.GetDocumentEditorAsync(document.Id, cancellationToken).ConfigureAwait(false);
        methodEditor.ReplaceNode(method, method.WithParameterList(Insert(method.ParameterList, index, Parameter(name, withDefault: true))));

        // The Core that takes exactly the method's parameters, with or without a trailing lease.
        foreach (IMethodSymbol core in symbol.ContainingType.GetMembers(symbol.Name + "Core").OfType<IMethodSymbol>())
        {
            if (core.Parameters.Length < symbol.Parameters.Length || core.Parameters.Length > symbol.Parameters.Length + 1)
            {
                continue;
            }

            foreach (SyntaxReference reference in core.DeclaringSyntaxReferences)
            {
                if (await reference.GetSyntaxAsync(cancellationToken).ConfigureAwait(false) is MethodDeclarationSyntax coreSyntax
                    && solution.GetDocument(coreSyntax.SyntaxTree) is { } coreDocument)
                {
                    DocumentEditor coreEditor = await editor.GetDocumentEditorAsync(coreDocument.Id, cancellationToken).ConfigureAwait(false);
                    string coreName = DeclarationEdits.UniqueName(name, core.Parameters.Select(p => p.Name));
                    coreEditor.ReplaceNode(coreSyntax, coreSyntax.WithParameterList(Insert(coreSyntax.ParameterList, index, Parameter(coreName, withDefault: false))));
                }
            }
        }

        return editor.GetChangedSolution();
    }

    private static ParameterSyntax Parameter(string name, bool withDefault)
    {
        ParameterSyntax parameter = SyntaxFactory.Parameter(SyntaxFactory.Identifier(name)).WithType(DeclarationEdits.CancellationTokenType());
        return withDefault
            ? parameter.WithDefault(SyntaxFactory.EqualsValueClause(SyntaxFactory.LiteralExpression(SyntaxKind.DefaultLiteralExpression)))
            : parameter;
    }

    private static ParameterListSyntax Insert(ParameterListSyntax list, int index, ParameterSyntax parameter)
        => DeclarationEdits.Formatted(list.WithParameters(list.Parameters.Insert(index, parameter)));
}
