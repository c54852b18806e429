using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace BidLocks.Generators.Parsing;

/// <summary>
/// Whether a body that takes the lease may read its fencing token. A fence costs Redis a clock read and a write, so
/// the generated acquire skips it when the body cannot read it. The answer is "may" unless the body's own syntax shows
/// otherwise: every mention of the lease parameter is a member access to one of <see cref="TokenFreeMembers"/>. Any
/// other mention (the token itself, the lease handed on, stored, formatted, compared, or reached through <c>?.</c>)
/// counts as a read, and so does a body the generator cannot see or whose edits would not reach it.
/// </summary>
internal static class LeaseTokenUse
{
    /// <summary>The lease's members that neither are nor reveal the token (<c>ToString</c> shows it).</summary>
    private static readonly HashSet<string> TokenFreeMembers =
    [
        "LostToken", "IsLost", "IsHeld", "ExpiresAt", "MarketplaceId", "PostingId", "PostingIds", "HolderId",
    ];

    public static bool MayRead(IMethodSymbol method, IMethodSymbol core, IParameterSymbol lease)
    {
        // The generator's step re-runs when the attributed method's file changes, not when another file does: a body in
        // another file could start reading the token without the generated acquire hearing of it.
        SyntaxTree? tree = method.DeclaringSyntaxReferences.FirstOrDefault()?.SyntaxTree;
        List<SyntaxNode> bodies = [];
        foreach (SyntaxReference reference in core.DeclaringSyntaxReferences)
        {
            if (reference.SyntaxTree != tree || reference.GetSyntax() is not MethodDeclarationSyntax declaration)
            {
                return true;
            }

            SyntaxNode? body = (SyntaxNode?)declaration.Body ?? declaration.ExpressionBody;
            if (body is not null)
            {
                bodies.Add(body);
            }
        }

        return bodies.Count == 0 || bodies.Any(body => MayRevealToken(body, lease.Name));
    }

    private static bool MayRevealToken(SyntaxNode body, string leaseName)
        => body.DescendantNodes()
            .OfType<IdentifierNameSyntax>()
            .Any(identifier => identifier.Identifier.ValueText == leaseName && !IsTokenFreeMemberAccess(identifier));

    private static bool IsTokenFreeMemberAccess(IdentifierNameSyntax identifier)
        => identifier.Parent is MemberAccessExpressionSyntax access
            && access.IsKind(SyntaxKind.SimpleMemberAccessExpression)
            && access.Expression == identifier
            && TokenFreeMembers.Contains(access.Name.Identifier.ValueText);
}
