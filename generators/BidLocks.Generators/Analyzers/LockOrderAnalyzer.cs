using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using BidLocks.Generators.Diagnostics;
using BidLocks.Generators.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace BidLocks.Generators.Analyzers;

/// <summary>
/// BL0107: the body of a <c>[BidLock]</c> method calls another <c>[BidLock]</c> method of the same type that locks a
/// different key. The body already holds its own posting and now waits for a second one; another call that takes
/// the same two in the opposite order holds the second and waits for the first, and both wait until their timeout.
/// One multi-posting lock takes both in a fixed order instead.
/// </summary>
/// <remarks>
/// The keys are compared as written: each hole of the callee's templates is rewritten in terms of the caller's
/// parameters through the call's arguments (a parameter, or a member path on one). A call whose templates then read
/// exactly as the caller's locks the same key (re-entry, which is safe) and is not reported; a call whose arguments
/// cannot be traced is reported, since its key may differ.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class LockOrderAnalyzer : BidLockAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.NestedLockOnAnotherKey);

    /// <inheritdoc />
    private protected override void Start(CompilationStartAnalysisContext context, LockSymbols symbols)
        => context.RegisterOperationAction(operation => Analyze(operation, symbols), OperationKind.Invocation);

    private static void Analyze(OperationAnalysisContext context, LockSymbols symbols)
    {
        var invocation = (IInvocationOperation)context.Operation;
        IMethodSymbol callee = invocation.TargetMethod.OriginalDefinition;
        if (context.ContainingSymbol is not IMethodSymbol body
            || symbols.LockedMethodOfCore(body.OriginalDefinition) is not { } caller
            || !SymbolEqualityComparer.Default.Equals(callee.ContainingType, caller.ContainingType)
            || Templates(callee, symbols) is not { } calleeKey
            || Templates(caller, symbols) is not { } callerKey)
        {
            return;
        }

        Dictionary<string, string?> arguments = ArgumentPaths(invocation, caller);
        string? marketplace = Rewrite(calleeKey.Marketplace, arguments);
        string? posting = Rewrite(calleeKey.Posting, arguments);
        if (marketplace is not null && posting is not null
            && marketplace == Rewrite(callerKey.Marketplace, null) && posting == Rewrite(callerKey.Posting, null))
        {
            // The same lock: the call re-enters the caller's hold.
            return;
        }

        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.NestedLockOnAnotherKey,
            invocation.Syntax.GetLocation(),
            caller.Name,
            callerKey.Posting,
            callee.Name,
            posting ?? calleeKey.Posting));
    }

    private static (string Marketplace, string Posting)? Templates(IMethodSymbol method, LockSymbols symbols)
    {
        AttributeData? attribute = method.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, symbols.Attribute));
        return attribute is { ConstructorArguments: { Length: 2 } arguments }
            && arguments[0].Value is string marketplace && arguments[1].Value is string posting
            ? (marketplace, posting)
            : null;
    }

    /// <summary>
    /// For each of the callee's parameters, the caller's template path its argument reads (<c>posting.Id</c>), or
    /// null when the argument is anything else. A body's parameters are its locked method's, position by position.
    /// </summary>
    private static Dictionary<string, string?> ArgumentPaths(IInvocationOperation invocation, IMethodSymbol caller)
    {
        var paths = new Dictionary<string, string?>();
        foreach (IArgumentOperation argument in invocation.Arguments)
        {
            if (argument.Parameter is { } parameter)
            {
                paths[parameter.Name] = PathOf(argument.Value, caller);
            }
        }

        return paths;
    }

    private static string? PathOf(IOperation value, IMethodSymbol caller)
    {
        var members = new Stack<string>();
        IOperation? current = value;
        while (true)
        {
            switch (current)
            {
                case IConversionOperation { IsImplicit: true } conversion:
                    current = conversion.Operand;
                    continue;
                case IPropertyReferenceOperation { Instance: { } instance, Arguments.IsEmpty: true } property:
                    members.Push(property.Property.Name);
                    current = instance;
                    continue;
                case IFieldReferenceOperation { Instance: { } instance } field:
                    members.Push(field.Field.Name);
                    current = instance;
                    continue;
                case IParameterReferenceOperation { Parameter: { } parameter } when parameter.Ordinal < caller.Parameters.Length:
                    members.Push(caller.Parameters[parameter.Ordinal].Name);
                    return string.Join(".", members);
                default:
                    return null;
            }
        }
    }

    /// <summary>
    /// The template with each hole's path rewritten through <paramref name="arguments"/> (none: as written), in one
    /// canonical form; null when a hole reads an argument that cannot be traced.
    /// </summary>
    private static string? Rewrite(string template, Dictionary<string, string?>? arguments)
    {
        ImmutableArray<TemplateToken> tokens = TemplateParser.Parse(template, out string? error);
        if (error is not null)
        {
            return null;
        }

        var text = new StringBuilder();
        foreach (TemplateToken token in tokens)
        {
            if (!token.IsHole)
            {
                text.Append(token.Text.Replace("{", "{{").Replace("}", "}}"));
                continue;
            }

            string head = token.Path[0];
            if (arguments is not null)
            {
                if (!arguments.TryGetValue(head, out string? traced) || traced is null)
                {
                    return null;
                }

                head = traced;
            }

            text.Append('{').Append(string.Join(".", new[] { head }.Concat(token.Path.Skip(1)))).Append('}');
        }

        return text.ToString();
    }
}
