using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;

namespace BidLocks.Generators.Model;

/// <summary>One generated file: a containing type and every <c>[BidLock]</c> method in it.</summary>
internal sealed record TypeSourceModel(ContainingTypeChain Type, EquatableArray<BidLockMethodModel> Methods)
{
    /// <summary>Groups methods by containing type, in a stable order so that reruns compare equal.</summary>
    public static ImmutableArray<TypeSourceModel> Group(ImmutableArray<BidLockMethodModel> methods)
        => methods
            .GroupBy(method => method.Type)
            .OrderBy(group => group.Key.HintName, System.StringComparer.Ordinal)
            .Select(group => new TypeSourceModel(group.Key, group.ToEquatableArray()))
            .ToImmutableArray();
}
