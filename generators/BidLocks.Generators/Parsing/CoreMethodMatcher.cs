using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using BidLocks.Generators.Model;
using Microsoft.CodeAnalysis;

namespace BidLocks.Generators.Parsing
{
    /// <summary>
    /// Finds the body, <c>{Name}Core</c>, in the method's own type: the same type parameters, the same parameter types
    /// and ref kinds in the same order, the same return type, and optionally one trailing <c>BidLockLease</c> parameter.
    /// A static method needs a static body; an instance method may use either.
    /// </summary>
    internal static class CoreMethodMatcher
    {
        public static CoreCallModel? Match(
            IMethodSymbol method, string typeFullName, KnownTypes known, LocationInfo? location, List<ParseFailure> failures)
        {
            string coreName = method.Name + "Core";
            var matches = new List<(IMethodSymbol Core, bool PassesLease)>();
            foreach (IMethodSymbol candidate in method.ContainingType.GetMembers(coreName).OfType<IMethodSymbol>())
            {
                if (IsMatch(method, candidate, known, out bool passesLease))
                {
                    matches.Add((candidate, passesLease));
                }
            }

            if (matches.Count == 0)
            {
                failures.Add(new ParseFailure(
                    BidLockFailureReason.CoreNotFound,
                    $"No method {coreName} matches {method.Name}: declare {(method.IsStatic ? "static " : string.Empty)}{CSharpNames.Type(method.ReturnType)} {coreName}{TypeParameterList(method)}({string.Join(", ", method.Parameters.Select(p => CSharpNames.Type(p.Type)))}), optionally with a trailing BidLockLease parameter.",
                    location));
                return null;
            }

            if (matches.Count > 1)
            {
                failures.Add(new ParseFailure(
                    BidLockFailureReason.AmbiguousCore,
                    $"More than one {coreName} matches {method.Name}; keep one.",
                    location));
                return null;
            }

            (IMethodSymbol core, bool lease) = matches[0];
            string receiver = core.IsStatic ? typeFullName : "this";
            string typeArguments = method.TypeParameters.IsEmpty
                ? string.Empty
                : "<" + string.Join(", ", method.TypeParameters.Select(tp => CSharpNames.Identifier(tp.Name))) + ">";
            return new CoreCallModel(receiver, CSharpNames.Identifier(coreName), typeArguments, lease);
        }

        private static bool IsMatch(IMethodSymbol method, IMethodSymbol candidate, KnownTypes known, out bool passesLease)
        {
            passesLease = false;
            if (candidate.MethodKind != MethodKind.Ordinary
                || candidate.TypeParameters.Length != method.TypeParameters.Length
                || (method.IsStatic && !candidate.IsStatic))
            {
                return false;
            }

            // Compare as if the body were called with the method's own type parameters.
            IMethodSymbol core = candidate.IsGenericMethod
                ? candidate.Construct(method.TypeParameters.CastArray<ITypeSymbol>().ToArray())
                : candidate;
            ImmutableArray<IParameterSymbol> expected = method.Parameters;
            ImmutableArray<IParameterSymbol> actual = core.Parameters;
            if (actual.Length == expected.Length + 1)
            {
                IParameterSymbol last = actual[actual.Length - 1];
                if (last.RefKind != RefKind.None || !SymbolEqualityComparer.Default.Equals(last.Type, known.BidLockLease))
                {
                    return false;
                }

                passesLease = true;
            }
            else if (actual.Length != expected.Length)
            {
                return false;
            }

            for (int i = 0; i < expected.Length; i++)
            {
                if (Normalize(actual[i].RefKind) != Normalize(expected[i].RefKind)
                    || !SymbolEqualityComparer.Default.Equals(actual[i].Type, expected[i].Type))
                {
                    return false;
                }
            }

            return SymbolEqualityComparer.Default.Equals(core.ReturnType, method.ReturnType);
        }

        // The generated call passes 'in' for both read-only reference kinds, which either accepts.
        private static RefKind Normalize(RefKind refKind) => refKind == RefKind.RefReadOnlyParameter ? RefKind.In : refKind;

        private static string TypeParameterList(IMethodSymbol method)
            => method.TypeParameters.IsEmpty ? string.Empty : "<" + string.Join(", ", method.TypeParameters.Select(tp => tp.Name)) + ">";
    }
}
