namespace BidLocks.Generators;

/// <summary>
/// Names of the generator's pipeline steps, so tests can check that each step's output is cached between runs.
/// </summary>
public static class TrackingNames
{
    /// <summary>Every <c>[BidLock]</c> method read into a model, or into the errors that say why it cannot be implemented.</summary>
    public const string ParsedMethods = nameof(ParsedMethods);

    /// <summary>The methods the generator implements.</summary>
    public const string ImplementableMethods = nameof(ImplementableMethods);

    /// <summary>The methods grouped into one file per containing type.</summary>
    public const string TypeSources = nameof(TypeSources);

    /// <summary>The errors of the methods the generator cannot implement, one per failure, which it reports.</summary>
    public const string Errors = nameof(Errors);
}
