using System.Collections.Immutable;
using System.Linq;
using BidLocks.Generators.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace BidLocks.Generators.Analyzers
{
    /// <summary>
    /// BL0104: a <c>[BidLock]</c> method without a CancellationToken. The generated code passes the method's token to
    /// the wait for the lock and hands the body a token that also fires when the lease is lost; without one, neither
    /// the caller nor the lease can stop anything.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class CancellationTokenAnalyzer : DiagnosticAnalyzer
    {
        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(DiagnosticDescriptors.MissingCancellationToken);

        /// <inheritdoc />
        public override void Initialize(AnalysisContext context)
        {
            // Once the generator has implemented a method, its [GeneratedCode] implementation makes the compiler treat
            // the whole partial method, the user's definition included, as generated code; with None this analyzer
            // would never see a valid method. The generated part carries no [BidLock] of its own, so it is skipped.
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.Analyze | GeneratedCodeAnalysisFlags.ReportDiagnostics);
            context.EnableConcurrentExecution();
            context.RegisterCompilationStartAction(start =>
            {
                if (LockSymbols.From(start.Compilation) is { } symbols && symbols.Known.CancellationToken is { } token)
                {
                    start.RegisterSyntaxNodeAction(node => Analyze(node, symbols, token), SyntaxKind.MethodDeclaration);
                }
            });
        }

        private static void Analyze(SyntaxNodeAnalysisContext context, LockSymbols symbols, INamedTypeSymbol token)
        {
            var syntax = (MethodDeclarationSyntax)context.Node;
            if (syntax.AttributeLists.Count == 0
                || context.SemanticModel.GetDeclaredSymbol(syntax, context.CancellationToken) is not { } method
                || symbols.AttributeOn(method, syntax) is null
                || method.Parameters.Any(p => SymbolEqualityComparer.Default.Equals(p.Type, token)))
            {
                return;
            }

            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.MissingCancellationToken, syntax.Identifier.GetLocation(), method.Name));
        }
    }
}
