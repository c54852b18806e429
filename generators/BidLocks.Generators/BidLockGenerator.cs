using System.Threading;
using BidLocks.Generators.Diagnostics;
using BidLocks.Generators.Emit;
using BidLocks.Generators.Model;
using BidLocks.Generators.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace BidLocks.Generators;

/// <summary>
/// Implements every <c>[BidLock]</c> partial method: take the lock, call <c>{Name}Core</c>, release the lock.
/// A method it cannot implement gets no implementation, so the build fails with CS8795 rather than run unlocked,
/// and the generator reports the errors that say why (BL0001–BL0017).
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class BidLockGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // Parsed methods hold only strings and values, so an edit that leaves a method's model and errors unchanged
        // stops here and nothing downstream runs again.
        IncrementalValuesProvider<ParsedMethod> parsed = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownTypes.BidLockAttributeMetadataName,
                predicate: static (node, _) => node is MethodDeclarationSyntax,
                transform: static (context, cancellationToken) => Parse(context, cancellationToken))
            .WithTrackingName(TrackingNames.ParsedMethods);

        IncrementalValuesProvider<BidLockMethodModel> methods = parsed
            .Where(static method => method.Model is not null)
            .Select(static (method, _) => method.Model!)
            .WithTrackingName(TrackingNames.ImplementableMethods);

        IncrementalValuesProvider<TypeSourceModel> types = methods
            .Collect()
            .SelectMany(static (all, _) => TypeSourceModel.Group(all))
            .WithTrackingName(TrackingNames.TypeSources);

        context.RegisterSourceOutput(types, static (output, type) =>
            output.AddSource(type.Type.HintName, BidLockSourceEmitter.Emit(type)));

        // BidLockMethodAnalyzer reports these too, but the command-line compiler never gets to analyzers once
        // declarations have errors, and the CS8795 of a method we skipped is one: without this a build shows only
        // CS8795. The compiler prints a generator's diagnostics before it stops.
        IncrementalValuesProvider<DiagnosticInfo> errors = parsed
            .SelectMany(static (method, _) => method.Errors)
            .WithTrackingName(TrackingNames.Errors);

        context.RegisterSourceOutput(errors, static (output, error) =>
            output.ReportDiagnostic(error.ToDiagnostic(static location => location.ToLocation())));
    }

    private static ParsedMethod Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        var syntax = (MethodDeclarationSyntax)context.TargetNode;
        ParseResult result = BidLockMethodParser.Parse(
            (IMethodSymbol)context.TargetSymbol, syntax, context.Attributes[0], context.SemanticModel.Compilation, cancellationToken);
        return new ParsedMethod(
            result.Model,
            FailureDiagnostics.Describe(result.Failures, LocationInfo.From(syntax.Identifier.GetLocation())));
    }
}
