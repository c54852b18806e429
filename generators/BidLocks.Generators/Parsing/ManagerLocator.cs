using System.Collections.Generic;
using System.Linq;
using BidLocks.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace BidLocks.Generators.Parsing;

/// <summary>
/// Finds the lock manager an instance method uses: the one instance field or property of the type (or inherited
/// and accessible) whose type is or implements <c>IBidLockManager</c>; failing that, the one such primary-constructor
/// parameter; failing that, the process-wide shared manager.
/// </summary>
/// <remarks>
/// Members win over primary-constructor parameters because the usual pattern
/// <c>class S(IBidLockManager locks) { readonly IBidLockManager _locks = locks; }</c> has both for one manager, and
/// reading the parameter as well would capture it a second time (warning CS9124).
/// Primary-constructor parameters are in scope in every partial declaration of the type, so the generated file can
/// read them (checked against the compiler).
/// </remarks>
internal static class ManagerLocator
{
    public static ManagerModel? Locate(
        IMethodSymbol method, Compilation compilation, KnownTypes known, LocationInfo? location, List<ParseFailure> failures)
    {
        if (method.IsStatic)
        {
            return ManagerModel.Shared;
        }

        INamedTypeSymbol type = method.ContainingType;
        List<ISymbol> members = FindManagerMembers(type, compilation, known);
        if (members.Count > 1)
        {
            failures.Add(new ParseFailure(
                BidLockFailureReason.AmbiguousManager,
                $"{type.Name} has more than one lock manager ({Names(members)}); keep one, or make {method.Name} static to use the shared manager.",
                location));
            return null;
        }

        if (members.Count == 1)
        {
            ISymbol member = members[0];
            ITypeSymbol memberType = member is IFieldSymbol field ? field.Type : ((IPropertySymbol)member).Type;
            return new ManagerModel(ManagerKind.Member, "this." + CSharpNames.Identifier(member.Name), memberType.IsReferenceType);
        }

        List<IParameterSymbol> parameters = FindPrimaryConstructorManagers(type, known);
        if (parameters.Count > 1)
        {
            failures.Add(new ParseFailure(
                BidLockFailureReason.AmbiguousManager,
                $"{type.Name} has more than one lock manager primary-constructor parameter ({Names(parameters)}); keep one.",
                location));
            return null;
        }

        if (parameters.Count == 1)
        {
            IParameterSymbol parameter = parameters[0];
            if (method.Parameters.Any(p => p.Name == parameter.Name))
            {
                failures.Add(new ParseFailure(
                    BidLockFailureReason.HiddenManager,
                    $"The parameter '{parameter.Name}' of {method.Name} hides the primary-constructor parameter that holds the lock manager; rename one of them.",
                    location));
                return null;
            }

            return new ManagerModel(ManagerKind.PrimaryConstructorParameter, CSharpNames.Identifier(parameter.Name), parameter.Type.IsReferenceType);
        }

        return ManagerModel.Shared;
    }

    private static List<ISymbol> FindManagerMembers(INamedTypeSymbol type, Compilation compilation, KnownTypes known)
    {
        var found = new List<ISymbol>();
        var seenNames = new HashSet<string>();
        IEnumerable<INamedTypeSymbol> types = type.TypeKind == TypeKind.Interface
            ? new[] { type }.Concat(type.AllInterfaces)
            : BaseTypesAndSelf(type);
        foreach (INamedTypeSymbol current in types)
        {
            foreach (ISymbol member in current.GetMembers())
            {
                // A member hidden by a more derived one of the same name is not a second manager.
                if (member.IsStatic || !member.CanBeReferencedByName || seenNames.Contains(member.Name))
                {
                    continue;
                }

                ITypeSymbol? memberType = member switch
                {
                    IFieldSymbol { IsConst: false } field => field.Type,
                    IPropertySymbol { IsIndexer: false, GetMethod: { } getter } property
                        when compilation.IsSymbolAccessibleWithin(getter, type) => property.Type,
                    _ => null,
                };
                if (memberType is null || !known.IsManagerType(memberType) || !compilation.IsSymbolAccessibleWithin(member, type))
                {
                    continue;
                }

                seenNames.Add(member.Name);
                found.Add(member);
            }
        }

        return found;
    }

    private static IEnumerable<INamedTypeSymbol> BaseTypesAndSelf(INamedTypeSymbol type)
    {
        for (INamedTypeSymbol? current = type; current is not null; current = current.BaseType)
        {
            yield return current;
        }
    }

    // Records turn primary-constructor parameters into properties, which FindManagerMembers already saw.
    private static List<IParameterSymbol> FindPrimaryConstructorManagers(INamedTypeSymbol type, KnownTypes known)
    {
        var found = new List<IParameterSymbol>();
        if (type.IsRecord)
        {
            return found;
        }

        foreach (IMethodSymbol constructor in type.InstanceConstructors)
        {
            // The primary constructor is the one declared by the type declaration itself.
            bool isPrimary = constructor.DeclaringSyntaxReferences.Any(reference => reference.GetSyntax() is TypeDeclarationSyntax);
            if (isPrimary)
            {
                found.AddRange(constructor.Parameters.Where(parameter => known.IsManagerType(parameter.Type)));
            }
        }

        return found;
    }

    private static string Names(IEnumerable<ISymbol> symbols) => string.Join(", ", symbols.Select(symbol => symbol.Name));
}
