namespace BidLocks.Generators.Model;

/// <summary>
/// Everything the emitter needs to implement one <c>[BidLock]</c> method, as strings and values only: no symbols,
/// syntax or locations, so the incremental pipeline can compare it with the previous run and skip the emit.
/// </summary>
internal sealed record BidLockMethodModel(
    ContainingTypeChain Type,
    string Name,
    string SourceSignature,
    string Modifiers,
    string ReturnType,
    AsyncReturnKind ReturnKind,
    string TypeParameters,
    EquatableArray<string> ConstraintClauses,
    bool RepeatsConstraints,
    bool IsStatic,
    bool IsReadOnly,
    EquatableArray<ParameterModel> Parameters,
    int CancellationTokenIndex,
    EquatableArray<NullCheckModel> NullChecks,
    TemplateModel MarketplaceId,
    TemplateModel PostingId,
    ManagerModel Manager,
    CoreCallModel Core,
    LockTimingModel Timing)
{
    /// <summary>True when a parameter is <c>in</c> or <c>ref readonly</c>: an async method cannot take those (CS1988).</summary>
    public bool NeedsCopyingWrapper
    {
        get
        {
            foreach (ParameterModel parameter in Parameters)
            {
                if (parameter.PassedByReadOnlyReference)
                {
                    return true;
                }
            }

            return false;
        }
    }
}

/// <summary>The awaitable shapes a <c>[BidLock]</c> method may return.</summary>
internal enum AsyncReturnKind
{
    Task,
    TaskOfT,
    ValueTask,
    ValueTaskOfT,
}

/// <summary>One parameter as the implementation must repeat it.</summary>
/// <param name="Name">The identifier, escaped with <c>@</c> where it is a keyword.</param>
/// <param name="Type">The fully qualified type, with nullable annotations and tuple names.</param>
/// <param name="Modifiers">The declaration's modifiers (<c>this</c>, <c>params</c>, <c>scoped in</c>, ...), default value excluded.</param>
/// <param name="PassedByReadOnlyReference">An <c>in</c> or <c>ref readonly</c> parameter, passed on with <c>in</c>.</param>
internal sealed record ParameterModel(string Name, string Type, string Modifiers, bool PassedByReadOnlyReference);

/// <summary>A value the lock key reads that must not be null, checked before any I/O.</summary>
/// <param name="Expression">The C# expression to test, for example <c>posting.Id</c>.</param>
/// <param name="Name">The name the <see cref="System.ArgumentNullException"/> reports, for example <c>posting.Id</c>.</param>
internal sealed record NullCheckModel(string Expression, string Name);

/// <summary>How the method finds its lock manager.</summary>
/// <param name="Kind">Where the manager comes from.</param>
/// <param name="Expression">The C# expression that reads it (empty for <see cref="ManagerKind.Shared"/>).</param>
/// <param name="CanBeNull">True when the expression's type is a reference type, so the code checks it.</param>
internal sealed record ManagerModel(ManagerKind Kind, string Expression, bool CanBeNull)
{
    public static ManagerModel Shared { get; } = new(ManagerKind.Shared, string.Empty, false);
}

internal enum ManagerKind
{
    Shared,
    Member,
    PrimaryConstructorParameter,
}

/// <summary>The call to the body.</summary>
/// <param name="Receiver">The text before <c>.Name</c>: <c>this</c>, or the fully qualified type for a static body.</param>
/// <param name="Name">The body's name, <c>{Name}Core</c>.</param>
/// <param name="TypeArguments">Explicit type arguments, <c>&lt;T&gt;</c>, or empty.</param>
/// <param name="PassesLease">True when the body takes the lease as a trailing parameter.</param>
/// <param name="MayReadFencingToken">
/// False when the body takes the lease but provably never reads its fencing token (<c>LeaseTokenUse</c>): the acquire
/// then skips the token, as for a body without the lease.
/// </param>
internal sealed record CoreCallModel(string Receiver, string Name, string TypeArguments, bool PassesLease, bool MayReadFencingToken);

/// <summary>
/// The timing arguments the attribute names, in seconds, already validated as finite and positive; null for one it
/// does not name, which the manager's options then decide.
/// </summary>
internal sealed record LockTimingModel(double? TimeoutSeconds, double? TtlSeconds, double? MaxHoldSeconds);
