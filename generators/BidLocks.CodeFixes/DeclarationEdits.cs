using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace BidLocks.CodeFixes;

/// <summary>Syntax edits the fixes share: modifiers, Core declarations, parameter lists.</summary>
internal static class DeclarationEdits
{
    private static readonly SyntaxKind[] AccessibilityKinds =
    {
        SyntaxKind.PublicKeyword, SyntaxKind.PrivateKeyword, SyntaxKind.ProtectedKeyword, SyntaxKind.InternalKeyword,
    };

    /// <summary>Adds <c>partial</c> to a type declaration, right before the keyword (<c>public ref partial struct</c>).</summary>
    public static TypeDeclarationSyntax MakePartial(TypeDeclarationSyntax type)
    {
        if (type.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            return type;
        }

        (SyntaxTokenList modifiers, SyntaxToken keyword) = Rebuild(
            type.Modifiers, type.Keyword, type.Modifiers.Add(SyntaxFactory.Token(SyntaxKind.PartialKeyword)));
        return type.WithModifiers(modifiers).WithKeyword(keyword);
    }

    /// <summary>
    /// Adds <c>partial</c> to a method declaration, right before the return type, and <c>private</c> when it names
    /// no accessibility (a partial method that returns a value must: CS8796). <c>async</c> goes: a definition has no body.
    /// </summary>
    public static MethodDeclarationSyntax MakePartialDefinition(MethodDeclarationSyntax method)
    {
        var tokens = method.Modifiers.Where(m => !m.IsKind(SyntaxKind.AsyncKeyword)).ToList();
        if (!tokens.Any(m => AccessibilityKinds.Contains(m.Kind())))
        {
            tokens.Insert(0, SyntaxFactory.Token(SyntaxKind.PrivateKeyword));
        }

        if (!tokens.Any(m => m.IsKind(SyntaxKind.PartialKeyword)))
        {
            tokens.Add(SyntaxFactory.Token(SyntaxKind.PartialKeyword));
        }

        SyntaxToken first = method.ReturnType.GetFirstToken();
        (SyntaxTokenList modifiers, SyntaxToken following) = Rebuild(method.Modifiers, first, tokens);
        return method.ReplaceToken(first, following).WithModifiers(modifiers);
    }

    // A new modifier list that keeps the declaration's indentation and comments on whatever token now comes first.
    private static (SyntaxTokenList Modifiers, SyntaxToken Following) Rebuild(
        SyntaxTokenList old, SyntaxToken following, IEnumerable<SyntaxToken> modifiers)
    {
        SyntaxTriviaList leading = old.Count > 0 ? old[0].LeadingTrivia : following.LeadingTrivia;
        List<SyntaxToken> tokens = modifiers.Select(m => m.WithLeadingTrivia().WithTrailingTrivia(SyntaxFactory.Space)).ToList();
        if (tokens.Count == 0)
        {
            return (default, following);
        }

        tokens[0] = tokens[0].WithLeadingTrivia(leading);
        return (SyntaxFactory.TokenList(tokens), old.Count > 0 ? following : following.WithLeadingTrivia());
    }

    /// <summary>
    /// The Core's parameters for a [BidLock] method's: same types, ref kinds and names, without what only the
    /// method may carry (<c>this</c>, default values), plus a trailing lease when <paramref name="leaseName"/> is given.
    /// </summary>
    public static ParameterListSyntax CoreParameters(ParameterListSyntax methodParameters, IReadOnlyList<string>? names, string? leaseName)
    {
        var parameters = new List<ParameterSyntax>();
        for (int i = 0; i < methodParameters.Parameters.Count; i++)
        {
            ParameterSyntax parameter = methodParameters.Parameters[i];
            SyntaxTokenList modifiers = SyntaxFactory.TokenList(parameter.Modifiers.Where(m => !m.IsKind(SyntaxKind.ThisKeyword)));
            ParameterSyntax copy = parameter.WithDefault(null).WithModifiers(modifiers).WithAttributeLists(default);
            if (names is not null && i < names.Count)
            {
                copy = copy.WithIdentifier(SyntaxFactory.Identifier(names[i]));
            }

            parameters.Add(copy.WithoutTrivia());
        }

        if (leaseName is not null)
        {
            parameters.Add(SyntaxFactory.Parameter(SyntaxFactory.Identifier(leaseName)).WithType(LeaseType()));
        }

        return SyntaxFactory.ParameterList(SyntaxFactory.SeparatedList(parameters));
    }

    /// <summary><c>BidLocks.BidLockLease</c>, shortened to <c>BidLockLease</c> where a using allows it.</summary>
    public static TypeSyntax LeaseType()
        => SyntaxFactory.ParseTypeName("global::BidLocks.BidLockLease").WithAdditionalAnnotations(Simplifier.Annotation);

    /// <summary><c>System.Threading.CancellationToken</c>, shortened where a using allows it.</summary>
    public static TypeSyntax CancellationTokenType()
        => SyntaxFactory.ParseTypeName("global::System.Threading.CancellationToken").WithAdditionalAnnotations(Simplifier.Annotation);

    /// <summary>A parameter name not yet used by <paramref name="taken"/>: <c>lease</c>, <c>lease2</c>, ...</summary>
    public static string UniqueName(string name, IEnumerable<string> taken)
    {
        var used = new HashSet<string>(taken);
        string candidate = name;
        for (int n = 2; used.Contains(candidate); n++)
        {
            candidate = name + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return candidate;
    }

    /// <summary>Marks a new or rewritten declaration for the formatter.</summary>
    public static T Formatted<T>(T node)
        where T : SyntaxNode
        => node.WithAdditionalAnnotations(Formatter.Annotation);
}
