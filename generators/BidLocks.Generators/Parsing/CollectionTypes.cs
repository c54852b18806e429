using System.Linq;
using Microsoft.CodeAnalysis;

namespace BidLocks.Generators.Parsing;

/// <summary>
/// Which template values are collections of postings: a type that implements <c>IEnumerable&lt;T&gt;</c> for exactly
/// one <c>T</c>, except <see cref="string"/> (its characters are not postings).
/// </summary>
internal static class CollectionTypes
{
    /// <summary>The element type of <paramref name="type"/>, or null when it is not a collection of postings.</summary>
    /// <param name="ambiguous">True when it implements <c>IEnumerable&lt;T&gt;</c> for more than one <c>T</c>.</param>
    public static ITypeSymbol? ElementType(ITypeSymbol type, out bool ambiguous)
    {
        ambiguous = false;
        if (type.SpecialType == SpecialType.System_String || type is IPointerTypeSymbol)
        {
            return null;
        }

        if (type is IArrayTypeSymbol { Rank: 1 } array)
        {
            return array.ElementType;
        }

        var elements = (IsEnumerableOfT(type) ? new[] { (INamedTypeSymbol)type } : Enumerable.Empty<INamedTypeSymbol>())
            .Concat(type.AllInterfaces.Where(IsEnumerableOfT))
            .Select(enumerable => enumerable.TypeArguments[0])
            .Distinct<ITypeSymbol>(SymbolEqualityComparer.IncludeNullability)
            .ToList();
        ambiguous = elements.Count > 1;
        return elements.Count == 1 ? elements[0] : null;
    }

    private static bool IsEnumerableOfT(ITypeSymbol type)
        => type is INamedTypeSymbol { Arity: 1 } named
            && named.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T;
}
