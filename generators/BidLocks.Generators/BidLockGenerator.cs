using BidLocks.Generators.Emit;
using BidLocks.Generators.Model;
using BidLocks.Generators.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace BidLocks.Generators
{
    /// <summary>
    /// Implements every <c>[BidLock]</c> partial method: take the lock, call <c>{Name}Core</c>, release the lock.
    /// A method it cannot implement gets no implementation, so the build fails with CS8795 rather than run unlocked.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class BidLockGenerator : IIncrementalGenerator
    {
        /// <inheritdoc />
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            // Models hold only strings and values, so an edit that leaves a method's model unchanged stops here and
            // nothing downstream runs again.
            IncrementalValuesProvider<BidLockMethodModel?> parsed = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    KnownTypes.BidLockAttributeMetadataName,
                    predicate: static (node, _) => node is MethodDeclarationSyntax,
                    transform: static (context, cancellationToken) => BidLockMethodParser.Parse(
                        (IMethodSymbol)context.TargetSymbol,
                        (MethodDeclarationSyntax)context.TargetNode,
                        context.Attributes[0],
                        context.SemanticModel.Compilation,
                        cancellationToken).Model)
                .WithTrackingName(TrackingNames.ParsedMethods);

            IncrementalValuesProvider<BidLockMethodModel> methods = parsed
                .Where(static model => model is not null)
                .Select(static (model, _) => model!)
                .WithTrackingName(TrackingNames.ImplementableMethods);

            IncrementalValuesProvider<TypeSourceModel> types = methods
                .Collect()
                .SelectMany(static (all, _) => TypeSourceModel.Group(all))
                .WithTrackingName(TrackingNames.TypeSources);

            context.RegisterSourceOutput(types, static (output, type) =>
                output.AddSource(type.Type.HintName, BidLockSourceEmitter.Emit(type)));
        }
    }
}
