using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using BidLocks.Generators.Model;
using Microsoft.CodeAnalysis;

namespace BidLocks.Generators.Parsing;

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
        IMethodSymbol[] candidates = method.ContainingType.GetMembers(coreName).OfType<IMethodSymbol>().ToArray();
        foreach (IMethodSymbol candidate in candidates)
        {
            if (IsMatch(method, candidate, known, out bool passesLease))
            {
                matches.Add((candidate, passesLease));
            }
        }

        if (matches.Count == 0)
        {
            failures.Add(NoMatch(method, coreName, candidates, known, location));
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
        bool mayReadToken = lease && LeaseTokenUse.MayRead(method, core, core.Parameters[core.Parameters.Length - 1]);
        return new CoreCallModel(receiver, CSharpNames.Identifier(coreName), typeArguments, lease, mayReadToken);
    }

    /// <summary>The signature the generated call needs, as the user would declare it.</summary>
    public static string ExpectedSignature(IMethodSymbol method)
        => $"{(method.IsStatic ? "static " : string.Empty)}{method.ReturnType.ToDisplayString()} {method.Name}Core{TypeParameterList(method)}({string.Join(", ", method.Parameters.Select(Describe))})";

    // Missing altogether, or present with the wrong signature: the second says what differs and, when there is only
    // one Core, points at it too (the related location), since that is where the fix goes.
    private static ParseFailure NoMatch(
        IMethodSymbol method, string coreName, IMethodSymbol[] candidates, KnownTypes known, LocationInfo? location)
    {
        string expected = $"declare {ExpectedSignature(method)}, optionally with a trailing BidLockLease parameter";
        if (candidates.Length == 0)
        {
            return new ParseFailure(
                BidLockFailureReason.CoreNotFound,
                $"{method.Name} has no body method {coreName}: {expected}.",
                location);
        }

        if (candidates.Length > 1)
        {
            return new ParseFailure(
                BidLockFailureReason.CoreMismatch,
                $"None of the {candidates.Length} methods named {coreName} matches {method.Name}: {expected}.",
                location);
        }

        IMethodSymbol core = candidates[0];
        return new ParseFailure(
            BidLockFailureReason.CoreMismatch,
            $"{coreName} does not match {method.Name}: {Difference(method, core, known)}; {expected}.",
            location,
            LocationInfo.From(core.Locations.FirstOrDefault(l => l.IsInSource)));
    }

    // The first difference IsMatch would trip on, in words.
    private static string Difference(IMethodSymbol method, IMethodSymbol core, KnownTypes known)
    {
        if (core.MethodKind != MethodKind.Ordinary)
        {
            return $"{core.Name} is not an ordinary method";
        }

        if (core.TypeParameters.Length != method.TypeParameters.Length)
        {
            return $"{core.Name} has {core.TypeParameters.Length} type parameters and {method.Name} has {method.TypeParameters.Length}";
        }

        if (method.IsStatic && !core.IsStatic)
        {
            return $"{method.Name} is static, so {core.Name} must be static too";
        }

        IMethodSymbol constructed = core.IsGenericMethod
            ? core.Construct(method.TypeParameters.CastArray<ITypeSymbol>().ToArray())
            : core;
        ImmutableArray<IParameterSymbol> expected = method.Parameters;
        ImmutableArray<IParameterSymbol> actual = constructed.Parameters;
        for (int i = 0; i < expected.Length && i < actual.Length; i++)
        {
            if (Normalize(actual[i].RefKind) != Normalize(expected[i].RefKind)
                || !SymbolEqualityComparer.Default.Equals(actual[i].Type, expected[i].Type))
            {
                return $"its parameter {i + 1} is '{Describe(actual[i])}' where {method.Name} has '{Describe(expected[i])}'";
            }
        }

        if (actual.Length < expected.Length)
        {
            return $"it lacks {method.Name}'s parameter '{Describe(expected[actual.Length])}'";
        }

        if (actual.Length > expected.Length + 1
            || (actual.Length == expected.Length + 1
                && (actual[actual.Length - 1].RefKind != RefKind.None
                    || !SymbolEqualityComparer.Default.Equals(actual[actual.Length - 1].Type, known.BidLockLease))))
        {
            return $"its extra parameter '{Describe(actual[expected.Length])}' is not a trailing BidLockLease";
        }

        return $"it returns {constructed.ReturnType.ToDisplayString()} where {method.Name} returns {method.ReturnType.ToDisplayString()}";
    }

    private static string Describe(IParameterSymbol parameter)
    {
        string refKind = parameter.RefKind switch
        {
            RefKind.In => "in ",
            RefKind.RefReadOnlyParameter => "ref readonly ",
            RefKind.Ref => "ref ",
            RefKind.Out => "out ",
            _ => string.Empty,
        };
        return refKind + parameter.Type.ToDisplayString() + " " + parameter.Name;
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
