using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace BidLocks.Generators.Analyzers;

/// <summary>Small steps through an operation tree that the flow analyzers share.</summary>
internal static class OperationWalk
{
    /// <summary>The outermost operation of the body that contains <paramref name="operation"/>.</summary>
    public static IOperation Root(IOperation operation)
    {
        IOperation current = operation;
        while (current.Parent is not null)
        {
            current = current.Parent;
        }

        return current;
    }

    /// <summary>Skips implicit and explicit conversions upward: the value's real consumer.</summary>
    public static IOperation SkipConversionsUp(IOperation operation)
    {
        IOperation current = operation;
        while (current.Parent is IConversionOperation or IParenthesizedOperation)
        {
            current = current.Parent;
        }

        return current;
    }

    /// <summary>Skips conversions downward: the value a conversion converts.</summary>
    public static IOperation SkipConversionsDown(IOperation operation)
    {
        IOperation current = operation;
        while (true)
        {
            switch (current)
            {
                case IConversionOperation conversion:
                    current = conversion.Operand;
                    break;
                case IParenthesizedOperation parenthesized:
                    current = parenthesized.Operand;
                    break;
                default:
                    return current;
            }
        }
    }

    /// <summary>
    /// From a task-returning call, the operation that consumes its result: through <c>.ConfigureAwait(...)</c> to
    /// the <c>await</c> when there is one, else the first consumer of the task itself.
    /// </summary>
    public static IOperation AwaitOrConsumer(IOperation call, out bool awaited)
    {
        IOperation current = SkipConversionsUp(call);
        if (current.Parent is IInvocationOperation { TargetMethod.Name: "ConfigureAwait" } configure && configure.Instance == current)
        {
            current = SkipConversionsUp(configure);
        }

        awaited = current.Parent is IAwaitOperation;
        return awaited ? current.Parent! : current;
    }

    /// <summary>True when <paramref name="operation"/> lies in the finally block of a try statement.</summary>
    public static bool IsInFinally(IOperation operation)
    {
        IOperation child = operation;
        for (IOperation? current = operation.Parent; current is not null; child = current, current = current.Parent)
        {
            if (current is ITryOperation @try && @try.Finally == child)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Every operation under <paramref name="root"/> of type <typeparamref name="T"/>.</summary>
    public static IEnumerable<T> All<T>(IOperation root)
        where T : IOperation
    {
        foreach (IOperation descendant in root.DescendantsAndSelf())
        {
            if (descendant is T match)
            {
                yield return match;
            }
        }
    }
}
