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
    public sealed class BidLockMethodAnalyzer : BidLockAnalyzer
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
        private protected override bool AnalyzesGeneratedCode => true;

        /// <inheritdoc />
        private protected override void Start(CompilationStartAnalysisContext context, LockSymbols symbols)
            => RegisterBidLockMethods(context, symbols, Analyze);

        private static void Analyze(SyntaxNodeAnalysisContext context, BidLockDeclaration declaration)
        {
            MethodDeclarationSyntax syntax = declaration.Syntax;
            ParseResult result = BidLockMethodParser.Parse(
                declaration.Method, syntax, declaration.Attribute, context.Compilation, context.CancellationToken);
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
