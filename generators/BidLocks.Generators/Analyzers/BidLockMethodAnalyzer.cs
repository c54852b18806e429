using System.Collections.Immutable;
using BidLocks.Generators.Diagnostics;
using BidLocks.Generators.Model;
using BidLocks.Generators.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace BidLocks.Generators.Analyzers;

/// <summary>
/// Reports why the generator cannot implement a <c>[BidLock]</c> method (BL0001–BL0017). It runs the generator's own
/// parser and reports its failures, so there is an error exactly when the generator writes nothing. The generator
/// reports the same errors itself, because the command-line compiler stops at CS8795 before it runs analyzers; this
/// analyzer stays for the IDE, whose code fixes work on its diagnostics, and for the analyzer tests.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class BidLockMethodAnalyzer : BidLockAnalyzer
{
    /// <summary>Diagnostic property: the text that fixes the problem when it replaces the diagnostic's span.</summary>
    public const string ReplacementProperty = DiagnosticInfo.ReplacementProperty;

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
        DiagnosticDescriptors.UnsupportedCollectionTemplate,
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
        EquatableArray<DiagnosticInfo> diagnostics = FailureDiagnostics.Describe(
            result.Failures, LocationInfo.From(syntax.Identifier.GetLocation()));

        // Locations in the compilation's own syntax trees, where #pragma suppressions and the IDE's fixes apply; the
        // generator, which keeps no tree in its pipeline, can only make file locations.
        Compilation compilation = context.Compilation;
        foreach (DiagnosticInfo diagnostic in diagnostics)
        {
            context.ReportDiagnostic(diagnostic.ToDiagnostic(
                location => LockSymbols.ToSourceLocation(location, compilation, syntax.SyntaxTree) ?? location.ToLocation()));
        }
    }
}
