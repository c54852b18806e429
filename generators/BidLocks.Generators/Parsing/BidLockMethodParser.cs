using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using BidLocks.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace BidLocks.Generators.Parsing;

/// <summary>
/// Reads one <c>[BidLock]</c> method into a <see cref="BidLockMethodModel"/>, or into the reasons it cannot be
/// implemented. Shared by the generator (which emits the model) and <c>BidLockMethodAnalyzer</c> (which reports
/// the failures), so both always agree on what is supported.
/// </summary>
internal static class BidLockMethodParser
{
    /// <summary>Every file the generator writes ends with this; an implementation found there is ours.</summary>
    public const string GeneratedFileSuffix = ".BidLock.g.cs";

    public static ParseResult Parse(
        IMethodSymbol method,
        MethodDeclarationSyntax syntax,
        AttributeData attribute,
        Compilation compilation,
        CancellationToken cancellationToken)
    {
        var failures = new List<ParseFailure>();
        LocationInfo? methodLocation = LocationInfo.From(syntax.Identifier.GetLocation());
        var known = KnownTypes.From(compilation);

        if (!IsUnimplementedPartialDefinition(method, syntax))
        {
            failures.Add(new ParseFailure(
                BidLockFailureReason.NotPartialDefinition,
                NotPartialDefinitionMessage(method, syntax),
                methodLocation));
            return ParseResult.Failure(failures.ToImmutableArray());
        }

        ContainingTypeChain? type = SignatureReader.ContainingTypes(method, syntax, failures);
        for (INamedTypeSymbol? containing = method.ContainingType; containing is not null; containing = containing.ContainingType)
        {
            if (containing.IsFileLocal)
            {
                failures.Add(new ParseFailure(
                    BidLockFailureReason.UnsupportedContainingType,
                    $"{containing.Name} is a file-local type, whose partial declarations cannot reach the generated file; drop 'file' from it.",
                    methodLocation));
            }
        }

        if (!method.IsStatic && method.ContainingType.IsRefLikeType)
        {
            failures.Add(new ParseFailure(
                BidLockFailureReason.UnsupportedContainingType,
                $"{method.Name} is an instance method of a ref struct, which an async method cannot be; make it static.",
                methodLocation));
        }

        AsyncReturnKind? returnKind = SignatureReader.ReturnKind(method, known);
        if (returnKind is null)
        {
            failures.Add(new ParseFailure(
                BidLockFailureReason.UnsupportedReturnType,
                $"{method.Name} returns {method.ReturnType.ToDisplayString()}; a [BidLock] method returns Task, Task<T>, ValueTask or ValueTask<T>.",
                LocationInfo.From(syntax.ReturnType)));
        }

        ImmutableArray<ParameterModel>? parameters = SignatureReader.Parameters(method, syntax, failures);
        int cancellationTokenIndex = FindCancellationToken(method, known, methodLocation, failures);
        cancellationToken.ThrowIfCancellationRequested();

        AttributeReader attributeReader = AttributeReader.For(attribute);
        LockTimingModel? timing = attributeReader.ReadTiming(failures);
        TemplateModel? marketplaceId = null;
        TemplateModel? postingId = null;
        var binder = new TemplateBinder(method, compilation);
        if (attributeReader.TryReadTemplates(out string? marketplaceTemplate, out string? postingTemplate, failures))
        {
            marketplaceId = binder.Bind(marketplaceTemplate, "marketplace id", attributeReader.Template(0, "marketplaceId"), failures);
            postingId = binder.Bind(postingTemplate, "posting id", attributeReader.Template(1, "postingId"), failures, allowCollection: true);
        }

        ManagerModel? manager = ManagerLocator.Locate(method, compilation, known, methodLocation, failures);
        CoreCallModel? core = type is null
            ? null
            : CoreMethodMatcher.Match(method, type.FullyQualifiedName, known, methodLocation, failures);

        if (failures.Count > 0
            || type is null || returnKind is null || parameters is null || timing is null
            || marketplaceId is null || postingId is null || manager is null || core is null)
        {
            return ParseResult.Failure(failures.ToImmutableArray());
        }

        bool repeatsConstraints = !method.IsOverride && method.ExplicitInterfaceImplementations.IsEmpty;
        return ParseResult.Success(new BidLockMethodModel(
            type,
            CSharpNames.Identifier(method.Name),
            method.ToDisplayString(CSharpNames.CommentFormat),
            SignatureReader.Modifiers(syntax),
            CSharpNames.Type(method.ReturnType),
            returnKind.Value,
            SignatureReader.TypeParameters(method),
            SignatureReader.ConstraintClauses(method.TypeParameters).ToEquatableArray(),
            repeatsConstraints,
            method.IsStatic,
            SignatureReader.IsReadOnly(syntax),
            parameters.Value.ToEquatableArray(),
            cancellationTokenIndex,
            binder.NullChecks.ToEquatableArray(),
            marketplaceId,
            postingId,
            manager,
            core,
            timing));
    }

    // Written with the method's own accessibility and return type, so that it can be pasted as it is, and saying
    // where the body goes: a newcomer with a body has nowhere else to learn the {Name}Core convention.
    private static string NotPartialDefinitionMessage(IMethodSymbol method, MethodDeclarationSyntax syntax)
    {
        string returnType = method.ReturnType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
        string modifiers = Accessibility(method.DeclaredAccessibility) + (method.IsStatic ? " static" : string.Empty);
        string definition = $"'{modifiers} partial {returnType} {method.Name}(...);'";
        string core = $"'private {(method.IsStatic ? "static " : string.Empty)}{(method.IsAsync ? "async " : string.Empty)}{returnType} {method.Name}Core(...)'";
        bool hasBody = syntax.Body is not null || syntax.ExpressionBody is not null;
        return hasBody || method.PartialImplementationPart is null
            ? $"{method.Name} must be a partial method definition without a body, for example {definition}: the generator writes its body, which takes the lock and then calls {method.Name}Core. "
                + $"Move the body into {core} with the same parameters (it may add a trailing BidLockLease parameter)."
            : $"{method.Name} has an implementation of its own, but the generator writes it: it takes the lock and then calls {method.Name}Core. "
                + $"Rename the implementation to {core} (same parameters; it may add a trailing BidLockLease parameter) and keep {definition}.";
    }

    private static string Accessibility(Accessibility accessibility) => accessibility switch
    {
        Microsoft.CodeAnalysis.Accessibility.Public => "public",
        Microsoft.CodeAnalysis.Accessibility.Internal => "internal",
        Microsoft.CodeAnalysis.Accessibility.Protected => "protected",
        Microsoft.CodeAnalysis.Accessibility.ProtectedOrInternal => "protected internal",
        Microsoft.CodeAnalysis.Accessibility.ProtectedAndInternal => "private protected",
        _ => "private",
    };

    private static bool IsUnimplementedPartialDefinition(IMethodSymbol method, MethodDeclarationSyntax syntax)
    {
        if (!method.IsPartialDefinition || syntax.Body is not null || syntax.ExpressionBody is not null)
        {
            return false;
        }

        // An implementation in one of our own files (an analyzer sees the generated code) is still ours to write.
        IMethodSymbol? implementation = method.PartialImplementationPart;
        return implementation is null
            || implementation.DeclaringSyntaxReferences.All(reference => reference.SyntaxTree.FilePath.EndsWith(GeneratedFileSuffix, System.StringComparison.Ordinal));
    }

    // The one CancellationToken parameter cancels the wait and is replaced by the body's token. With two, which one
    // means what is a guess, and a wrong guess could leave a bid running after its lease was lost.
    private static int FindCancellationToken(IMethodSymbol method, KnownTypes known, LocationInfo? location, List<ParseFailure> failures)
    {
        int[] indexes = method.Parameters
            .Where(p => SymbolEqualityComparer.Default.Equals(p.Type, known.CancellationToken))
            .Select(p => p.Ordinal)
            .ToArray();
        if (indexes.Length > 1)
        {
            failures.Add(new ParseFailure(
                BidLockFailureReason.AmbiguousCancellationToken,
                $"{method.Name} has more than one CancellationToken parameter; keep one.",
                location));
        }

        return indexes.Length == 1 ? indexes[0] : -1;
    }
}
