using System.Collections.Immutable;
using BidLocks.Generators.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace BidLocks.Generators.Analyzers;

/// <summary>
/// BL0101: a call to (or a delegate of) a <c>{Name}Core</c> body anywhere but the generated implementation runs the
/// bid without its lock. Generated code is not analyzed, so the one legitimate call is never reported.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class CoreCallAnalyzer : BidLockAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.CoreCalledDirectly);

    /// <inheritdoc />
    private protected override void Start(CompilationStartAnalysisContext context, LockSymbols symbols)
    {
        context.RegisterOperationAction(
            operation => Analyze(operation, ((IInvocationOperation)operation.Operation).TargetMethod, symbols),
            OperationKind.Invocation);
        context.RegisterOperationAction(
            operation => Analyze(operation, ((IMethodReferenceOperation)operation.Operation).Method, symbols),
            OperationKind.MethodReference);
    }

    private static void Analyze(OperationAnalysisContext context, IMethodSymbol target, LockSymbols symbols)
    {
        if (symbols.LockedMethodOfCore(target.OriginalDefinition) is not { } locked || IsInNameOf(context.Operation))
        {
            return;
        }

        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.CoreCalledDirectly, context.Operation.Syntax.GetLocation(), target.Name, locked.Name));
    }

    // nameof(PlaceBidCore) names the method without calling it.
    private static bool IsInNameOf(IOperation operation)
    {
        for (IOperation? current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current is INameOfOperation)
            {
                return true;
            }
        }

        return false;
    }
}
