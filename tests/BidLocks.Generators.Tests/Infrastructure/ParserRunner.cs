using BidLocks.Generators.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace BidLocks.Generators.Tests.Infrastructure;

/// <summary>Runs the parser directly on every <c>[BidLock]</c> method, as <c>BidLockMethodAnalyzer</c> does.</summary>
internal static class ParserRunner
{
    public static IReadOnlyList<(string Method, ParseResult Result)> ParseAll(CSharpCompilation compilation)
    {
        var results = new List<(string, ParseResult)>();
        foreach (SyntaxTree tree in compilation.SyntaxTrees)
        {
            SemanticModel model = compilation.GetSemanticModel(tree);
            foreach (MethodDeclarationSyntax syntax in tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>())
            {
                if (model.GetDeclaredSymbol(syntax) is not IMethodSymbol method)
                {
                    continue;
                }

                // The declaration's own attributes: a partial method's symbol merges both parts' attributes.
                AttributeData? attribute = method.GetAttributes().FirstOrDefault(a =>
                    a.AttributeClass?.ToDisplayString() == KnownTypes.BidLockAttributeMetadataName
                    && a.ApplicationSyntaxReference?.SyntaxTree == tree
                    && syntax.Span.Contains(a.ApplicationSyntaxReference.Span));
                if (attribute is not null)
                {
                    results.Add((method.Name, BidLockMethodParser.Parse(method, syntax, attribute, compilation, CancellationToken.None)));
                }
            }
        }

        return results;
    }
}
