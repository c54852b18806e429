using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace BidLocks.Generators.Analyzers;

/// <summary>
/// What every BidLocks analyzer does alike: run concurrently, and only in compilations that reference BidLocks
/// (elsewhere they register nothing and cost nothing).
/// </summary>
public abstract class BidLockAnalyzer : DiagnosticAnalyzer
{
    /// <summary>
    /// True for analyzers of <c>[BidLock]</c> declarations. Once the generator has implemented a method, its
    /// <c>[GeneratedCode]</c> implementation makes the compiler treat the whole partial method, the user's definition
    /// included, as generated code: without this such an analyzer would never see a valid method. The generated
    /// part carries no <c>[BidLock]</c> of its own, so it is still skipped.
    /// </summary>
    private protected virtual bool AnalyzesGeneratedCode => false;

    /// <inheritdoc />
    public sealed override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(AnalyzesGeneratedCode
            ? GeneratedCodeAnalysisFlags.Analyze | GeneratedCodeAnalysisFlags.ReportDiagnostics
            : GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (LockSymbols.From(start.Compilation) is { } symbols)
            {
                Start(start, symbols);
            }
        });
    }

    /// <summary>Registers the analyzer's actions for a compilation that references BidLocks.</summary>
    private protected abstract void Start(CompilationStartAnalysisContext context, LockSymbols symbols);

    /// <summary>Calls <paramref name="analyze"/> for each method declaration that carries <c>[BidLock]</c> itself.</summary>
    private protected static void RegisterBidLockMethods(
        CompilationStartAnalysisContext context, LockSymbols symbols, Action<SyntaxNodeAnalysisContext, BidLockDeclaration> analyze)
    {
        context.RegisterSyntaxNodeAction(
            node =>
            {
                var syntax = (MethodDeclarationSyntax)node.Node;
                if (syntax.AttributeLists.Count > 0
                    && node.SemanticModel.GetDeclaredSymbol(syntax, node.CancellationToken) is { } method
                    && symbols.AttributeOn(method, syntax) is { } attribute)
                {
                    analyze(node, new BidLockDeclaration(syntax, method, attribute));
                }
            },
            SyntaxKind.MethodDeclaration);
    }
}

/// <summary>A <c>[BidLock]</c> method as written: its declaration, its symbol and the attribute on it.</summary>
internal sealed class BidLockDeclaration
{
    public BidLockDeclaration(MethodDeclarationSyntax syntax, IMethodSymbol method, AttributeData attribute)
    {
        Syntax = syntax;
        Method = method;
        Attribute = attribute;
    }

    public MethodDeclarationSyntax Syntax { get; }

    public IMethodSymbol Method { get; }

    public AttributeData Attribute { get; }
}
