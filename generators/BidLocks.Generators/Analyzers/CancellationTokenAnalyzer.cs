using System.Collections.Immutable;
using System.Linq;
using BidLocks.Generators.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace BidLocks.Generators.Analyzers;

/// <summary>
/// BL0104: a <c>[BidLock]</c> method without a CancellationToken. The generated code passes the method's token to
/// the wait for the lock and hands the body a token that also fires when the lease is lost; without one, neither
/// the caller nor the lease can stop anything.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class CancellationTokenAnalyzer : BidLockAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.MissingCancellationToken);

    /// <inheritdoc />
    private protected override bool AnalyzesGeneratedCode => true;

    /// <inheritdoc />
    private protected override void Start(CompilationStartAnalysisContext context, LockSymbols symbols)
    {
        if (symbols.Known.CancellationToken is { } token)
        {
            RegisterBidLockMethods(context, symbols, (node, declaration) => Analyze(node, declaration, token));
        }
    }

    private static void Analyze(SyntaxNodeAnalysisContext context, BidLockDeclaration declaration, INamedTypeSymbol token)
    {
        IMethodSymbol method = declaration.Method;
        if (!method.Parameters.Any(p => SymbolEqualityComparer.Default.Equals(p.Type, token)))
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.MissingCancellationToken, declaration.Syntax.Identifier.GetLocation(), method.Name));
        }
    }
}
