using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using BidLocks.Generators.Diagnostics;
using BidLocks.Generators.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace BidLocks.Generators.Analyzers;

/// <summary>
/// BL0106: a template hole whose value's text does not identify the value. The key is the value's text, so a type
/// that keeps object's ToString gives every call the same key (one lock for every posting), and a record's
/// compiler-written ToString lists every member, so two calls on one posting that differ in any other member get
/// different keys and do not exclude each other: the duplicate bid this library exists to prevent.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class KeyTextAnalyzer : BidLockAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.UnstableKeyText);

    /// <inheritdoc />
    private protected override bool AnalyzesGeneratedCode => true;

    /// <inheritdoc />
    private protected override void Start(CompilationStartAnalysisContext context, LockSymbols symbols)
    {
        INamedTypeSymbol? formattable = context.Compilation.GetTypeByMetadataName("System.IFormattable");
        RegisterBidLockMethods(context, symbols, (node, declaration) => Analyze(node, declaration, formattable));
    }

    private static void Analyze(SyntaxNodeAnalysisContext context, BidLockDeclaration declaration, INamedTypeSymbol? formattable)
    {
        MethodDeclarationSyntax syntax = declaration.Syntax;
        IMethodSymbol method = declaration.Method;
        AttributeData attribute = declaration.Attribute;

        // The parser's own reader and binder, so holes resolve exactly as the generator resolves them; failures are
        // BidLockMethodAnalyzer's to report.
        var reader = AttributeReader.For(attribute);
        var ignored = new List<ParseFailure>();
        if (!reader.TryReadTemplates(out string? marketplaceId, out string? postingId, ignored))
        {
            return;
        }

        var binder = new TemplateBinder(method, context.Compilation);
        binder.Bind(marketplaceId, "marketplace id", reader.Template(0, "marketplaceId"), ignored);
        binder.Bind(postingId, "posting id", reader.Template(1, "postingId"), ignored, allowCollection: true);
        foreach (BoundTemplateValue value in binder.Values)
        {
            if (Problem(value.Type, formattable) is { } problem
                && LockSymbols.ToSourceLocation(value.Location, context.Compilation, syntax.SyntaxTree) is { } location)
            {
                var properties = ImmutableDictionary<string, string?>.Empty.Add(KeyMembersProperty, string.Join(",", KeyMembers(value.Type, formattable)));
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.UnstableKeyText, location, properties, value.Role, value.Name, value.Type.ToDisplayString(), problem));
            }
        }
    }

    /// <summary>
    /// The diagnostic property naming, comma-separated, the members of the value's type whose text is a key (public,
    /// readable, instance), for the code fix that puts one in the hole (<c>{bid}</c> → <c>{bid.PostingId}</c>).
    /// </summary>
    public const string KeyMembersProperty = "KeyMembers";

    // Ids first: a member named like one is the likeliest key.
    private static IEnumerable<string> KeyMembers(ITypeSymbol type, INamedTypeSymbol? formattable)
    {
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            type = nullable.TypeArguments[0];
        }

        return type.GetMembers()
            .Where(member => !member.IsStatic && member.DeclaredAccessibility == Accessibility.Public && !member.IsImplicitlyDeclared)
            .Select(member => member switch
            {
                IPropertySymbol { GetMethod: not null, IsIndexer: false } property => (member.Name, Type: property.Type),
                IFieldSymbol field => (member.Name, Type: field.Type),
                _ => (member.Name, Type: (ITypeSymbol?)null),
            })
            .Where(member => member.Type is not null && Problem(member.Type, formattable) is null && member.Type.TypeKind is not (TypeKind.Interface or TypeKind.TypeParameter or TypeKind.Dynamic or TypeKind.Error))
            .Select(member => member.Name)
            .OrderBy(name => name.EndsWith("Id", System.StringComparison.Ordinal) ? 0 : 1)
            .Distinct();
    }

    /// <summary>Why the type's text is not a key, or null when it is (or when its runtime type cannot be known).</summary>
    internal static string? Problem(ITypeSymbol type, INamedTypeSymbol? formattable)
    {
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            type = nullable.TypeArguments[0];
        }

        // Interfaces, object and type parameters: the runtime type decides. Primitives, strings and enums format
        // as their value; IFormattable types are formatted with the invariant culture.
        if (type.TypeKind is TypeKind.Interface or TypeKind.TypeParameter or TypeKind.Dynamic or TypeKind.Error or TypeKind.Enum
            || type.SpecialType != SpecialType.None
            || (formattable is not null && type.AllInterfaces.Contains(formattable, SymbolEqualityComparer.Default)))
        {
            return null;
        }

        IMethodSymbol? toString = FindToString(type);
        if (toString is null || toString.ContainingType.SpecialType is SpecialType.System_Object or SpecialType.System_ValueType)
        {
            return "whose ToString is its type name, so every call gets the same key and one lock serializes them all";
        }

        if (type.IsRecord && toString.IsImplicitlyDeclared && SymbolEqualityComparer.Default.Equals(toString.ContainingType, type))
        {
            return "a record whose compiler-written ToString lists every member, so two calls on one posting that differ in any other member get different keys and do not exclude each other";
        }

        return null;
    }

    // The ToString() a call on the type binds to: the most derived declaration or override.
    private static IMethodSymbol? FindToString(ITypeSymbol type)
    {
        for (ITypeSymbol? current = type; current is not null; current = current.BaseType)
        {
            IMethodSymbol? found = current.GetMembers("ToString").OfType<IMethodSymbol>()
                .FirstOrDefault(m => !m.IsStatic && m.Parameters.IsEmpty && m.MethodKind == MethodKind.Ordinary);
            if (found is not null)
            {
                return found;
            }
        }

        return null;
    }
}
