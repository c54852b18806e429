using System.Collections.Immutable;
using System.Linq;
using BidLocks.Generators.Diagnostics;
using BidLocks.Generators.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace BidLocks.Generators.Analyzers
{
    /// <summary>
    /// Reports why the generator cannot implement a <c>[BidLock]</c> method (BL0001–BL0016). It runs the generator's own
    /// parser and reports its failures, so there is an error exactly when the generator writes nothing.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class BidLockMethodAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Diagnostic property: the text that fixes the problem when it replaces the diagnostic's span.</summary>
        public const string ReplacementProperty = "Replacement";

        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
            DiagnosticDescriptors.NotPartialDefinition,
            DiagnosticDescriptors.ContainingTypeNotPartial,
            DiagnosticDescriptors.UnknownTemplateMember,
            DiagnosticDescriptors.CoreNotFound,
            DiagnosticDescriptors.CoreMismatch,
            DiagnosticDescriptors.UnsupportedReturnType,
            DiagnosticDescriptors.UnsupportedParameter,
            DiagnosticDescriptors.UnreadableTemplateMember,
            DiagnosticDescriptors.AmbiguousManager,
            DiagnosticDescriptors.InvalidTiming,
            DiagnosticDescriptors.InvalidTemplate,
            DiagnosticDescriptors.UnsupportedTemplateValue,
            DiagnosticDescriptors.AmbiguousCancellationToken,
            DiagnosticDescriptors.AmbiguousCore,
            DiagnosticDescriptors.HiddenManager,
            DiagnosticDescriptors.UnsupportedContainingType);

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
                if (LockSymbols.From(start.Compilation) is { } symbols)
                {
                    start.RegisterSyntaxNodeAction(node => Analyze(node, symbols), SyntaxKind.MethodDeclaration);
                }
            });
        }

        private static void Analyze(SyntaxNodeAnalysisContext context, LockSymbols symbols)
        {
            var syntax = (MethodDeclarationSyntax)context.Node;
            if (syntax.AttributeLists.Count == 0
                || context.SemanticModel.GetDeclaredSymbol(syntax, context.CancellationToken) is not { } method
                || symbols.AttributeOn(method, syntax) is not { } attribute)
            {
                return;
            }

            ParseResult result = BidLockMethodParser.Parse(method, syntax, attribute, context.Compilation, context.CancellationToken);
            foreach (ParseFailure failure in result.Failures)
            {
                if (FailureDiagnostics.For(failure.Reason) is { } descriptor)
                {
                    Location location = LockSymbols.ToSourceLocation(failure.Location, context.Compilation, syntax.SyntaxTree)
                        ?? syntax.Identifier.GetLocation();
                    Location? related = LockSymbols.ToSourceLocation(failure.Related, context.Compilation, syntax.SyntaxTree);
                    ImmutableDictionary<string, string?>? properties = failure.Replacement is null
                        ? null
                        : ImmutableDictionary<string, string?>.Empty.Add(ReplacementProperty, failure.Replacement);
                    context.ReportDiagnostic(Diagnostic.Create(
                        descriptor, location, related is null ? null : new[] { related }, properties, failure.Message));
                }
            }
        }
    }
}
