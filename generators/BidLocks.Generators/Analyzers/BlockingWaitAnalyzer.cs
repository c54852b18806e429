using System.Collections.Immutable;
using BidLocks.Generators.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace BidLocks.Generators.Analyzers;

/// <summary>
/// BL0105: <c>.Result</c>, <c>.Wait()</c> or <c>.GetAwaiter().GetResult()</c> on a call that waits for a bid lock
/// (<c>AcquireAsync</c>, <c>AcquireManyAsync</c>, <c>TryAcquireAsync</c>, <c>AcquireLockAsync</c>, or a <c>[BidLock]</c> method). The wait can
/// last the whole timeout, and a blocked thread-pool thread per waiting bid starves the pool under contention,
/// which is exactly when locks are waited for; on a <c>ValueTask</c> it is also undefined before completion.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class BlockingWaitAnalyzer : BidLockAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.BlockingWait);

    /// <inheritdoc />
    private protected override void Start(CompilationStartAnalysisContext context, LockSymbols symbols)
    {
        context.RegisterOperationAction(operation => AnalyzeResult(operation, symbols), OperationKind.PropertyReference);
        context.RegisterOperationAction(operation => AnalyzeCall(operation, symbols), OperationKind.Invocation);
    }

    // task.Result
    private static void AnalyzeResult(OperationAnalysisContext context, LockSymbols symbols)
    {
        var property = (IPropertyReferenceOperation)context.Operation;
        if (property.Property.Name == "Result" && IsTaskType(property.Property.ContainingType) && property.Instance is { } instance)
        {
            Report(context, symbols, instance, ".Result");
        }
    }

    // task.Wait(...), task.GetAwaiter().GetResult()
    private static void AnalyzeCall(OperationAnalysisContext context, LockSymbols symbols)
    {
        var call = (IInvocationOperation)context.Operation;
        IMethodSymbol method = call.TargetMethod;
        if (method.Name == "Wait" && IsTaskType(method.ContainingType) && call.Instance is { } task)
        {
            Report(context, symbols, task, ".Wait()");
        }
        else if (method.Name == "GetResult"
            && call.Instance is { } awaiter
            && OperationWalk.SkipConversionsDown(awaiter) is IInvocationOperation { TargetMethod.Name: "GetAwaiter", Instance: { } awaited })
        {
            Report(context, symbols, awaited, ".GetAwaiter().GetResult()");
        }
    }

    private static void Report(OperationAnalysisContext context, LockSymbols symbols, IOperation task, string blocking)
    {
        if (LockingCall(OperationWalk.SkipConversionsDown(task), symbols) is { } name)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.BlockingWait, context.Operation.Syntax.GetLocation(), blocking, name));
        }
    }

    // The call that waits for a lock, seen through .AsTask() and .ConfigureAwait(...).
    private static string? LockingCall(IOperation task, LockSymbols symbols)
    {
        IOperation current = task;
        while (current is IInvocationOperation { TargetMethod.Name: "AsTask" or "ConfigureAwait", Instance: { } inner })
        {
            current = OperationWalk.SkipConversionsDown(inner);
        }

        if (current is not IInvocationOperation call)
        {
            return null;
        }

        IMethodSymbol method = call.TargetMethod;
        bool waits = symbols.IsManagerMethod(method, "AcquireAsync")
            || symbols.IsManagerMethod(method, "AcquireManyAsync")
            || symbols.IsManagerMethod(method, "TryAcquireAsync")
            || symbols.IsManagerMethod(method, "AcquireLockAsync")
            || symbols.HasBidLock(method.OriginalDefinition);
        return waits ? method.Name : null;
    }

    private static bool IsTaskType(INamedTypeSymbol? type)
        => type is not null
            && type.ContainingNamespace?.ToDisplayString() is "System.Threading.Tasks" or "System.Runtime.CompilerServices"
            && type.Name is "Task" or "ValueTask" or "TaskAwaiter" or "ValueTaskAwaiter" or "ConfiguredTaskAwaitable" or "ConfiguredValueTaskAwaitable";
}
