using System.Collections.Immutable;
using System.Linq;
using BidLocks.Generators.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace BidLocks.Generators.Analyzers;

/// <summary>
/// BL0103: <c>AcquireLockAsync</c> (the original manager's manual, holder-named form) with no
/// <c>ReleaseLockAsync</c> for the same holder in a finally block of the same method. That lock is not renewed or
/// released by anything else, so an exception between the two holds the posting for the full 5 minutes.
/// </summary>
/// <remarks>
/// A method that returns or passes on the acquire's result is a wrapper: its caller owns the release, and is not
/// reported. The holder is "the same" when both calls name the same local, parameter, field or property, the same
/// constant, or the same expression text.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ManualLockAnalyzer : BidLockAnalyzer
{
    private const string HolderParameter = "holderId";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.ManualLockNotReleased);

    /// <inheritdoc />
    private protected override void Start(CompilationStartAnalysisContext context, LockSymbols symbols)
        => context.RegisterOperationAction(operation => Analyze(operation, symbols), OperationKind.Invocation);

    private static void Analyze(OperationAnalysisContext context, LockSymbols symbols)
    {
        var acquire = (IInvocationOperation)context.Operation;
        if (!symbols.IsManagerMethod(acquire.TargetMethod, "AcquireLockAsync")
            || Holder(acquire) is not { } holder
            || IsHandedOn(acquire))
        {
            return;
        }

        bool released = OperationWalk.All<IInvocationOperation>(OperationWalk.Root(acquire)).Any(call =>
            symbols.IsManagerMethod(call.TargetMethod, "ReleaseLockAsync")
            && Holder(call) is { } releasedHolder
            && SameValue(holder, releasedHolder)
            && OperationWalk.IsInFinally(call));
        if (!released)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.ManualLockNotReleased, acquire.Syntax.GetLocation(), holder.Syntax.ToString()));
        }
    }

    private static IOperation? Holder(IInvocationOperation call)
        => call.Arguments.FirstOrDefault(a => a.Parameter?.Name == HolderParameter)?.Value is { } value
            ? OperationWalk.SkipConversionsDown(value)
            : null;

    // 'return await locks.AcquireLockAsync(...)', '=> locks.AcquireLockAsync(...)', or the result passed to a method.
    private static bool IsHandedOn(IInvocationOperation acquire)
    {
        IOperation consumer = OperationWalk.SkipConversionsUp(OperationWalk.AwaitOrConsumer(acquire, out _));
        return consumer.Parent is IReturnOperation or IArgumentOperation;
    }

    private static bool SameValue(IOperation a, IOperation b)
    {
        if (a.ConstantValue.HasValue && b.ConstantValue.HasValue)
        {
            return Equals(a.ConstantValue.Value, b.ConstantValue.Value);
        }

        ISymbol? symbolA = ReferencedSymbol(a);
        ISymbol? symbolB = ReferencedSymbol(b);
        if (symbolA is not null && symbolB is not null)
        {
            return SymbolEqualityComparer.Default.Equals(symbolA, symbolB);
        }

        return a.Syntax.IsEquivalentTo(b.Syntax, topLevel: false);
    }

    private static ISymbol? ReferencedSymbol(IOperation operation) => operation switch
    {
        ILocalReferenceOperation local => local.Local,
        IParameterReferenceOperation parameter => parameter.Parameter,
        IFieldReferenceOperation field => field.Field,
        IPropertyReferenceOperation { Arguments.IsEmpty: true } property => property.Property,
        _ => null,
    };
}
