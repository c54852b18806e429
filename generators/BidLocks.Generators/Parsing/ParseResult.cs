using System.Collections.Immutable;
using BidLocks.Generators.Model;

namespace BidLocks.Generators.Parsing;

/// <summary>
/// The outcome of reading one <c>[BidLock]</c> method: a model to emit, or the reasons it cannot be implemented.
/// Never both. The generator's pipeline keeps a <see cref="ParsedMethod"/> made from it instead, whose lists compare
/// by their elements (an <see cref="ImmutableArray{T}"/> compares by reference, so it would never be cached).
/// </summary>
internal sealed class ParseResult
{
    private ParseResult(BidLockMethodModel? model, ImmutableArray<ParseFailure> failures)
    {
        Model = model;
        Failures = failures;
    }

    public BidLockMethodModel? Model { get; }

    public ImmutableArray<ParseFailure> Failures { get; }

    public static ParseResult Success(BidLockMethodModel model) => new(model, ImmutableArray<ParseFailure>.Empty);

    public static ParseResult Failure(ImmutableArray<ParseFailure> failures) => new(null, failures);
}
