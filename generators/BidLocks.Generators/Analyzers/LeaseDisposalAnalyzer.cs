using System.Collections.Immutable;
using System.Linq;
using BidLocks.Generators.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace BidLocks.Generators.Analyzers;

/// <summary>
/// BL0102: a lease from <c>AcquireAsync</c>/<c>AcquireManyAsync</c>/<c>TryAcquireAsync</c> that is not released on every path. A lease keeps
/// renewing itself until disposed, so a leaked lease holds the posting until its hold cap, not just its TTL.
/// </summary>
/// <remarks>
/// Accepted: <c>await using</c>; a local disposed (or released) in a finally block; a lease that leaves the method
/// (returned, stored in a field or property, passed to a method, captured by a lambda or local function): its new
/// owner disposes it. Reported: a
/// lease discarded, never awaited, read once and dropped, never disposed, or disposed only outside a finally.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class LeaseDisposalAnalyzer : BidLockAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.LeaseNotDisposed);

    /// <inheritdoc />
    private protected override void Start(CompilationStartAnalysisContext context, LockSymbols symbols)
        => context.RegisterOperationAction(operation => Analyze(operation, symbols), OperationKind.Invocation);

    private static void Analyze(OperationAnalysisContext context, LockSymbols symbols)
    {
        var invocation = (IInvocationOperation)context.Operation;
        IMethodSymbol method = invocation.TargetMethod;
        if (!symbols.IsManagerMethod(method, "AcquireAsync") && !symbols.IsManagerMethod(method, "AcquireManyAsync") && !symbols.IsManagerMethod(method, "TryAcquireAsync"))
        {
            return;
        }

        if (Problem(invocation) is { } problem)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.LeaseNotDisposed, invocation.Syntax.GetLocation(), method.Name, problem));
        }
    }

    /// <summary>What goes wrong with the lease, as the end of "The lease from AcquireAsync ...", or null.</summary>
    private static string? Problem(IInvocationOperation acquire)
    {
        IOperation consumer = OperationWalk.AwaitOrConsumer(acquire, out bool awaited);
        if (!awaited)
        {
            // The task itself is stored, returned or passed on: whoever awaits it owns the lease.
            return consumer.Parent is IExpressionStatementOperation || IsDiscard(consumer.Parent) ? "is never awaited" : null;
        }

        // 'await TryAcquireAsync(...) ?? throw ...' hands the same lease on.
        IOperation lease = OperationWalk.SkipConversionsUp(consumer);
        while (lease.Parent is ICoalesceOperation coalesce && coalesce.Value == lease)
        {
            lease = OperationWalk.SkipConversionsUp(coalesce);
        }

        switch (lease.Parent)
        {
            case IExpressionStatementOperation:
                return "is discarded";
            case ISimpleAssignmentOperation assignment when assignment.Value == lease:
                return assignment.Target switch
                {
                    IDiscardOperation => "is discarded",
                    ILocalReferenceOperation local => LocalProblem(local.Local, acquire),
                    _ => null,
                };
            case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                return IsUsingResource(declarator) ? null : LocalProblem(declarator.Symbol, acquire);
            case IPropertyReferenceOperation or IFieldReferenceOperation:
                return "is read once and dropped";
            case IInvocationOperation call when call.Instance == lease:
                // '(await AcquireAsync(...)).DisposeAsync()' releases the lease it just took (a barrier behind the
                // holder), whichever overload took it; any other call reads it once and drops it.
                return IsRelease(call.TargetMethod) ? null : "is read once and dropped";
            default:
                // Returned, passed, stored, a using resource: someone else disposes it.
                return null;
        }
    }

    private static bool IsDiscard(IOperation? operation)
        => operation is ISimpleAssignmentOperation { Target: IDiscardOperation };

    // 'await using var lease = ...' and 'await using (var lease = ...)'.
    private static bool IsUsingResource(IVariableDeclaratorOperation declarator)
    {
        for (IOperation? current = declarator.Parent; current is not null; current = current.Parent)
        {
            switch (current)
            {
                case IUsingDeclarationOperation:
                    return true;
                case IUsingOperation:
                    return true;
                case IVariableDeclarationOperation or IVariableDeclarationGroupOperation:
                    continue;
                default:
                    return false;
            }
        }

        return false;
    }

    // Follows the local through the body: every use is a read, a null check, a disposal, or an escape.
    private static string? LocalProblem(ILocalSymbol local, IOperation acquire)
    {
        bool disposedInFinally = false;
        bool disposedElsewhere = false;
        IOperation root = OperationWalk.Root(acquire);
        foreach (ILocalReferenceOperation reference in OperationWalk.All<ILocalReferenceOperation>(root))
        {
            if (!SymbolEqualityComparer.Default.Equals(reference.Local, local))
            {
                continue;
            }

            switch (IsCapturedAway(reference, acquire) ? Use.Escape : Classify(reference))
            {
                case Use.Escape:
                    return null;
                case Use.UsingDispose:
                    disposedInFinally = true;
                    break;
                case Use.Dispose:
                    if (OperationWalk.IsInFinally(reference))
                    {
                        disposedInFinally = true;
                    }
                    else
                    {
                        disposedElsewhere = true;
                    }

                    break;
            }
        }

        if (disposedInFinally)
        {
            return null;
        }

        return disposedElsewhere ? "is disposed, but not in a finally block" : "is never disposed";
    }

    // Used inside a lambda or local function that the acquire is not in: the lease outlives this body through the
    // closure (a release callback handed back to the caller), so whoever runs the closure owns it.
    private static bool IsCapturedAway(IOperation reference, IOperation acquire)
    {
        for (IOperation? current = reference.Parent; current is not null; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return !acquire.Syntax.Ancestors().Contains(current.Syntax);
            }
        }

        return false;
    }

    private enum Use
    {
        Read,
        Dispose,
        UsingDispose,
        Escape,
    }

    private static Use Classify(ILocalReferenceOperation reference)
    {
        IOperation parent = reference.Parent!;
        switch (parent)
        {
            case IInvocationOperation call when call.Instance == reference:
                return IsRelease(call.TargetMethod) ? Use.Dispose : Use.Read;
            case IConditionalAccessOperation conditional when conditional.Operation == reference:
                return OperationWalk.All<IInvocationOperation>(conditional.WhenNotNull).Any(call => IsRelease(call.TargetMethod))
                    ? Use.Dispose
                    : Use.Read;
            case IPropertyReferenceOperation or IFieldReferenceOperation:
            case IIsPatternOperation or IBinaryOperation:
            case ISimpleAssignmentOperation assignment when assignment.Target == reference:
                return Use.Read;
            case IUsingOperation:
            case IVariableInitializerOperation when IsInUsing(parent):
                // 'await using (lease)' or 'await using var alias = lease;'.
                return Use.UsingDispose;
            case IConversionOperation:
                return Classify(parent);
            default:
                return Use.Escape;
        }
    }

    // A conversion of the local (to IAsyncDisposable, to object) is judged by what consumes the conversion.
    private static Use Classify(IOperation converted)
    {
        IOperation consumer = OperationWalk.SkipConversionsUp(converted);
        return consumer.Parent is IUsingOperation || (consumer.Parent is IVariableInitializerOperation initializer && IsInUsing(initializer))
            ? Use.UsingDispose
            : Use.Escape;
    }

    private static bool IsInUsing(IOperation initializer)
        => initializer.Parent is IVariableDeclaratorOperation declarator && IsUsingResource(declarator);

    private static bool IsRelease(IMethodSymbol method)
        => method.Name is "DisposeAsync" or "ReleaseAsync";
}
