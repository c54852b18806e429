using System.Linq;
using BidLocks.Generators.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace BidLocks.Generators.Analyzers;

/// <summary>
/// The BidLocks types of one compilation, looked up once at compilation start. Null when the compilation does not
/// reference BidLocks, so every analyzer costs nothing there.
/// </summary>
internal sealed class LockSymbols
{
    private LockSymbols(Compilation compilation, INamedTypeSymbol attribute)
    {
        Attribute = attribute;
        Known = KnownTypes.From(compilation);
    }

    public INamedTypeSymbol Attribute { get; }

    public KnownTypes Known { get; }

    public static LockSymbols? From(Compilation compilation)
        => compilation.GetTypeByMetadataName(KnownTypes.BidLockAttributeMetadataName) is { } attribute
            ? new LockSymbols(compilation, attribute)
            : null;

    /// <summary>
    /// The <c>[BidLock]</c> attribute written on this declaration. A partial method's symbol merges the attributes
    /// of both parts, so the syntax decides which part it was written on (as ForAttributeWithMetadataName does).
    /// </summary>
    public AttributeData? AttributeOn(IMethodSymbol method, MethodDeclarationSyntax syntax)
        => method.GetAttributes().FirstOrDefault(a =>
            SymbolEqualityComparer.Default.Equals(a.AttributeClass, Attribute)
            && a.ApplicationSyntaxReference is { } reference
            && reference.SyntaxTree == syntax.SyntaxTree
            && syntax.Span.Contains(reference.Span));

    /// <summary>True when either part of the method carries <c>[BidLock]</c>.</summary>
    public bool HasBidLock(IMethodSymbol method)
        => method.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, Attribute));

    /// <summary>True for <paramref name="name"/> on IBidLockManager or on a type that implements it.</summary>
    public bool IsManagerMethod(IMethodSymbol method, string name)
        => method.Name == name && Known.IsManagerType(method.ContainingType);

    /// <summary>
    /// The <c>[BidLock]</c> method whose body <paramref name="method"/> is (<c>PlaceBidCore</c> for <c>PlaceBid</c>), if any.
    /// </summary>
    public IMethodSymbol? LockedMethodOfCore(IMethodSymbol method)
    {
        const string Suffix = "Core";
        string name = method.Name;
        if (name.Length <= Suffix.Length || !name.EndsWith(Suffix, System.StringComparison.Ordinal))
        {
            return null;
        }

        string lockedName = name.Substring(0, name.Length - Suffix.Length);
        return method.ContainingType?.GetMembers(lockedName).OfType<IMethodSymbol>().FirstOrDefault(HasBidLock);
    }

    /// <summary>Maps a parser location back into the compilation, so the diagnostic is a source location.</summary>
    public static Location? ToSourceLocation(LocationInfo? info, Compilation compilation, SyntaxTree preferred)
    {
        if (info is null)
        {
            return null;
        }

        SyntaxTree? tree = preferred.FilePath == info.FilePath
            ? preferred
            : compilation.SyntaxTrees.FirstOrDefault(t => t.FilePath == info.FilePath);
        return tree is null ? info.ToLocation() : Location.Create(tree, info.TextSpan);
    }
}
