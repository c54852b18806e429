using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace BidLocks.Generators.Parsing;

/// <summary>How symbols are written into generated code.</summary>
internal static class CSharpNames
{
    /// <summary>
    /// Fully qualified (<c>global::</c>) with nullable annotations and tuple element names: the implementation of a
    /// partial method must repeat the definition's signature exactly.
    /// </summary>
    public static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <summary>A namespace as written after the <c>namespace</c> keyword.</summary>
    public static readonly SymbolDisplayFormat NamespaceFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .WithGlobalNamespaceStyle(SymbolDisplayGlobalNamespaceStyle.Omitted);

    /// <summary>A method as the header comment of a generated file names it.</summary>
    public static readonly SymbolDisplayFormat CommentFormat = SymbolDisplayFormat.CSharpErrorMessageFormat;

    public static string Type(ITypeSymbol type) => type.ToDisplayString(TypeFormat);

    /// <summary>
    /// An identifier as code may write it: keywords get <c>@</c>, and so does <c>await</c>, which is a keyword inside
    /// the async methods this generator writes.
    /// </summary>
    public static string Identifier(string name)
    {
        bool needsEscape = SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None
            || SyntaxFacts.GetContextualKeywordKind(name) == SyntaxKind.AwaitKeyword;
        return needsEscape ? "@" + name : name;
    }

    /// <summary>
    /// A file-name-safe rendering of a type's full name, with generic arity: <c>N.Outer`1.Inner</c>.
    /// </summary>
    public static string HintName(INamedTypeSymbol type)
    {
        var builder = new StringBuilder();
        AppendHintName(builder, type);
        return builder.Append(".BidLock.g.cs").ToString();
    }

    private static void AppendHintName(StringBuilder builder, INamedTypeSymbol type)
    {
        if (type.ContainingType is { } outer)
        {
            AppendHintName(builder, outer);
            builder.Append('.');
        }
        else if (!type.ContainingNamespace.IsGlobalNamespace)
        {
            builder.Append(type.ContainingNamespace.ToDisplayString()).Append('.');
        }

        builder.Append(type.Name);
        if (type.Arity > 0)
        {
            builder.Append('`').Append(type.Arity);
        }
    }
}
