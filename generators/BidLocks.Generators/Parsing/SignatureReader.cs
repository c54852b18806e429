using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using BidLocks.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace BidLocks.Generators.Parsing;

/// <summary>
/// Reads what the implementation must repeat of the definition: modifiers, return type, type parameters and
/// their constraints, parameters, and every containing type.
/// </summary>
internal static class SignatureReader
{
    // Modifiers a partial method's implementation repeats; 'partial' itself and 'async' are written by the emitter.
    private static readonly ImmutableHashSet<SyntaxKind> RepeatedModifiers = ImmutableHashSet.Create(
        SyntaxKind.PublicKeyword,
        SyntaxKind.PrivateKeyword,
        SyntaxKind.ProtectedKeyword,
        SyntaxKind.InternalKeyword,
        SyntaxKind.StaticKeyword,
        SyntaxKind.UnsafeKeyword,
        SyntaxKind.NewKeyword,
        SyntaxKind.VirtualKeyword,
        SyntaxKind.OverrideKeyword,
        SyntaxKind.SealedKeyword,
        SyntaxKind.ReadOnlyKeyword);

    public static string Modifiers(MethodDeclarationSyntax syntax)
        => string.Join(" ", syntax.Modifiers.Where(m => RepeatedModifiers.Contains(m.Kind())).Select(m => m.Text));

    public static bool IsReadOnly(MethodDeclarationSyntax syntax) => syntax.Modifiers.Any(SyntaxKind.ReadOnlyKeyword);

    public static AsyncReturnKind? ReturnKind(IMethodSymbol method, KnownTypes known)
    {
        ITypeSymbol definition = method.ReturnType.OriginalDefinition;
        if (SymbolEqualityComparer.Default.Equals(definition, known.Task))
        {
            return AsyncReturnKind.Task;
        }

        if (SymbolEqualityComparer.Default.Equals(definition, known.TaskOfT))
        {
            return AsyncReturnKind.TaskOfT;
        }

        if (SymbolEqualityComparer.Default.Equals(definition, known.ValueTask))
        {
            return AsyncReturnKind.ValueTask;
        }

        if (SymbolEqualityComparer.Default.Equals(definition, known.ValueTaskOfT))
        {
            return AsyncReturnKind.ValueTaskOfT;
        }

        return null;
    }

    public static string TypeParameters(IMethodSymbol method)
        => method.TypeParameters.IsEmpty
            ? string.Empty
            : "<" + string.Join(", ", method.TypeParameters.Select(tp => CSharpNames.Identifier(tp.Name))) + ">";

    /// <summary>
    /// One <c>where</c> clause per constrained type parameter, in declaration order. A partial method's two
    /// declarations must have identical constraints, nullable ones (<c>class?</c>) included.
    /// </summary>
    public static ImmutableArray<string> ConstraintClauses(IEnumerable<ITypeParameterSymbol> typeParameters)
    {
        ImmutableArray<string>.Builder clauses = ImmutableArray.CreateBuilder<string>();
        foreach (ITypeParameterSymbol typeParameter in typeParameters)
        {
            var constraints = new List<string>();
            if (typeParameter.HasUnmanagedTypeConstraint)
            {
                constraints.Add("unmanaged");
            }
            else if (typeParameter.HasValueTypeConstraint)
            {
                constraints.Add("struct");
            }
            else if (typeParameter.HasReferenceTypeConstraint)
            {
                constraints.Add(typeParameter.ReferenceTypeConstraintNullableAnnotation == NullableAnnotation.Annotated ? "class?" : "class");
            }
            else if (typeParameter.HasNotNullConstraint)
            {
                constraints.Add("notnull");
            }

            constraints.AddRange(typeParameter.ConstraintTypes.Select(CSharpNames.Type));
            if (typeParameter.HasConstructorConstraint)
            {
                constraints.Add("new()");
            }

            if (constraints.Count > 0)
            {
                clauses.Add($"where {CSharpNames.Identifier(typeParameter.Name)} : {string.Join(", ", constraints)}");
            }
        }

        return clauses.ToImmutable();
    }

    /// <summary>
    /// The parameters, or null after adding a failure for each one an async method cannot take.
    /// </summary>
    public static ImmutableArray<ParameterModel>? Parameters(
        IMethodSymbol method, MethodDeclarationSyntax syntax, List<ParseFailure> failures)
    {
        ImmutableArray<ParameterModel>.Builder parameters = ImmutableArray.CreateBuilder<ParameterModel>();
        bool ok = true;
        for (int i = 0; i < method.Parameters.Length; i++)
        {
            IParameterSymbol parameter = method.Parameters[i];
            ParameterSyntax? parameterSyntax = i < syntax.ParameterList.Parameters.Count ? syntax.ParameterList.Parameters[i] : null;
            string? problem = parameter.RefKind is RefKind.Ref or RefKind.Out
                ? $"is a {(parameter.RefKind == RefKind.Ref ? "ref" : "out")} parameter"
                : parameter.Type.IsRefLikeType
                    ? $"is a ref struct ({parameter.Type.ToDisplayString()})"
                    : parameter.Type.TypeKind is TypeKind.Pointer or TypeKind.FunctionPointer
                        ? "is a pointer"
                        : null;
            if (problem is not null)
            {
                failures.Add(new ParseFailure(
                    BidLockFailureReason.UnsupportedParameter,
                    $"The parameter '{parameter.Name}' of {method.Name} {problem}, which cannot be held across the wait for the lock.",
                    LocationInfo.From(parameterSyntax)));
                ok = false;
                continue;
            }

            // The definition's own modifier tokens ('this', 'params', 'scoped', 'in', 'ref readonly'): partial
            // declarations must agree on all of them. Default values are not repeated (CS1066).
            string modifiers = parameterSyntax is null ? string.Empty : string.Join(" ", parameterSyntax.Modifiers.Select(m => m.Text));
            parameters.Add(new ParameterModel(
                CSharpNames.Identifier(parameter.Name),
                CSharpNames.Type(parameter.Type),
                modifiers,
                parameter.RefKind is RefKind.In or RefKind.RefReadOnlyParameter));
        }

        return ok ? parameters.ToImmutable() : null;
    }

    /// <summary>
    /// The containing types, outermost first, or null after adding a failure when one is not partial.
    /// </summary>
    public static ContainingTypeChain? ContainingTypes(IMethodSymbol method, MethodDeclarationSyntax syntax, List<ParseFailure> failures)
    {
        foreach (TypeDeclarationSyntax declaration in syntax.Ancestors().OfType<TypeDeclarationSyntax>())
        {
            if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                failures.Add(new ParseFailure(
                    BidLockFailureReason.ContainingTypeNotPartial,
                    $"The type {declaration.Identifier.Text} that contains {method.Name} must be partial.",
                    LocationInfo.From(syntax.Identifier.GetLocation()),
                    LocationInfo.From(declaration.Identifier.GetLocation())));
                return null;
            }
        }

        var types = new List<ContainingTypeModel>();
        for (INamedTypeSymbol? type = method.ContainingType; type is not null; type = type.ContainingType)
        {
            types.Insert(0, new ContainingTypeModel(Keyword(type), NameWithTypeParameters(type)));
        }

        INamedTypeSymbol containing = method.ContainingType;
        string ns = containing.ContainingNamespace.IsGlobalNamespace
            ? string.Empty
            : containing.ContainingNamespace.ToDisplayString(CSharpNames.NamespaceFormat);
        return new ContainingTypeChain(
            ns,
            types.ToEquatableArray(),
            containing.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            CSharpNames.HintName(containing));
    }

    private static string Keyword(INamedTypeSymbol type)
    {
        if (type.TypeKind == TypeKind.Interface)
        {
            return "interface";
        }

        if (type.IsRecord)
        {
            return type.TypeKind == TypeKind.Struct ? "record struct" : "record";
        }

        if (type.TypeKind == TypeKind.Struct)
        {
            // Every partial declaration of a ref struct says 'ref'; 'readonly' may be left to one of them.
            return type.IsRefLikeType ? "ref struct" : "struct";
        }

        return "class";
    }

    private static string NameWithTypeParameters(INamedTypeSymbol type)
    {
        string name = CSharpNames.Identifier(type.Name);
        if (type.TypeParameters.IsEmpty)
        {
            return name;
        }

        IEnumerable<string> typeParameters = type.TypeParameters.Select(tp => tp.Variance switch
        {
            VarianceKind.In => "in " + CSharpNames.Identifier(tp.Name),
            VarianceKind.Out => "out " + CSharpNames.Identifier(tp.Name),
            _ => CSharpNames.Identifier(tp.Name),
        });
        return name + "<" + string.Join(", ", typeParameters) + ">";
    }
}
