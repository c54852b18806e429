using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;

namespace BidLocks.Generators.Diagnostics;

/// <summary>
/// Every diagnostic BidLocks reports, in one place. BL00xx are errors: the generator cannot implement the method,
/// and each says why where the user wrote it (the build would otherwise fail with a bare CS8795). BL01xx are
/// warnings about code that compiles but can run a bid without its lock, or hold a lock longer than it should.
/// Each has a page at <c>docs/diagnostics/BLxxxx.md</c>; new ids go into AnalyzerReleases.Unshipped.md.
/// </summary>
public static class DiagnosticDescriptors
{
    /// <summary>Declarations the generator reads: the attribute, the partial method, its Core, its type.</summary>
    public const string DeclarationCategory = "BidLocks.Declaration";

    /// <summary>Code that compiles but can bypass, leak or block on a lock.</summary>
    public const string UsageCategory = "BidLocks.Usage";

    // From the build's RepositoryUrl (Directory.Build.props), like the package's metadata; null when none is set,
    // and then no help link rather than one to a host nobody can check. Before the descriptors: static fields are
    // initialised in the order they are written.
    private static readonly string? HelpLinkBase = typeof(DiagnosticDescriptors).Assembly
        .GetCustomAttributes(typeof(AssemblyMetadataAttribute), inherit: false)
        .OfType<AssemblyMetadataAttribute>()
        .FirstOrDefault(attribute => attribute.Key == "BidLocksDiagnosticsDocs")?.Value;

    /// <summary>BL0001.</summary>
    public static readonly DiagnosticDescriptor NotPartialDefinition = Error(
        "BL0001", "A [BidLock] method must be a partial method definition without a body");

    /// <summary>BL0002.</summary>
    public static readonly DiagnosticDescriptor ContainingTypeNotPartial = Error(
        "BL0002", "Every type that contains a [BidLock] method must be partial");

    /// <summary>BL0003.</summary>
    public static readonly DiagnosticDescriptor UnknownTemplateMember = Error(
        "BL0003", "A [BidLock] template names a parameter or member that does not exist");

    /// <summary>BL0004.</summary>
    public static readonly DiagnosticDescriptor CoreNotFound = Error(
        "BL0004", "A [BidLock] method has no {Name}Core body method");

    /// <summary>BL0005.</summary>
    public static readonly DiagnosticDescriptor CoreMismatch = Error(
        "BL0005", "The {Name}Core method's signature does not match its [BidLock] method");

    /// <summary>BL0006.</summary>
    public static readonly DiagnosticDescriptor UnsupportedReturnType = Error(
        "BL0006", "A [BidLock] method must return Task, Task<T>, ValueTask or ValueTask<T>");

    /// <summary>BL0007.</summary>
    public static readonly DiagnosticDescriptor UnsupportedParameter = Error(
        "BL0007", "A [BidLock] method cannot take ref, out, pointer or ref struct parameters");

    /// <summary>BL0008.</summary>
    public static readonly DiagnosticDescriptor UnreadableTemplateMember = Error(
        "BL0008", "A [BidLock] template names a member that cannot be read");

    /// <summary>BL0009.</summary>
    public static readonly DiagnosticDescriptor AmbiguousManager = Error(
        "BL0009", "The type has more than one IBidLockManager");

    /// <summary>BL0010.</summary>
    public static readonly DiagnosticDescriptor InvalidTiming = Error(
        "BL0010", "TimeoutSeconds must be zero or more, TtlSeconds and MaxHoldSeconds positive, all finite numbers of seconds");

    /// <summary>BL0011.</summary>
    public static readonly DiagnosticDescriptor InvalidTemplate = Error(
        "BL0011", "A [BidLock] template is empty or malformed");

    /// <summary>BL0012.</summary>
    public static readonly DiagnosticDescriptor UnsupportedTemplateValue = Error(
        "BL0012", "A [BidLock] template reads a value that cannot be formatted into a lock key");

    /// <summary>BL0013.</summary>
    public static readonly DiagnosticDescriptor AmbiguousCancellationToken = Error(
        "BL0013", "A [BidLock] method has more than one CancellationToken parameter");

    /// <summary>BL0014.</summary>
    public static readonly DiagnosticDescriptor AmbiguousCore = Error(
        "BL0014", "More than one {Name}Core method matches the [BidLock] method");

    /// <summary>BL0015.</summary>
    public static readonly DiagnosticDescriptor HiddenManager = Error(
        "BL0015", "A parameter hides the primary-constructor parameter that holds the lock manager");

    /// <summary>BL0016.</summary>
    public static readonly DiagnosticDescriptor UnsupportedContainingType = Error(
        "BL0016", "The type cannot hold a generated [BidLock] method");

    /// <summary>BL0017.</summary>
    public static readonly DiagnosticDescriptor UnsupportedCollectionTemplate = Error(
        "BL0017", "A [BidLock] template reads a collection where a multi-posting lock cannot use it");

    /// <summary>BL0101.</summary>
    public static readonly DiagnosticDescriptor CoreCalledDirectly = Warning(
        "BL0101",
        "A {Name}Core method is called directly, without the lock",
        "{0} is the body of the [BidLock] method {1}; calling it directly runs the bid without the lock: call {1} instead");

    /// <summary>BL0102.</summary>
    public static readonly DiagnosticDescriptor LeaseNotDisposed = Warning(
        "BL0102",
        "A BidLockLease is not disposed on every path",
        "The lease from {0} {1}, so the lock stays held, and renewed, until its hold cap runs out (5 minutes by default): use 'await using', or dispose it in a finally");

    /// <summary>BL0103.</summary>
    public static readonly DiagnosticDescriptor ManualLockNotReleased = Warning(
        "BL0103",
        "AcquireLockAsync has no ReleaseLockAsync for the same holder in a finally",
        "The lock taken by AcquireLockAsync for holder '{0}' is not released by ReleaseLockAsync for that holder in a finally block, so an exception leaves it held for up to 5 minutes");

    /// <summary>BL0104.</summary>
    public static readonly DiagnosticDescriptor MissingCancellationToken = Warning(
        "BL0104",
        "A [BidLock] method has no CancellationToken parameter",
        "{0} has no CancellationToken parameter, so its wait for the lock cannot be cancelled and its body is not told when the lease is lost: add a CancellationToken parameter");

    /// <summary>BL0105.</summary>
    public static readonly DiagnosticDescriptor BlockingWait = Warning(
        "BL0105",
        "Blocking on a lock operation",
        "'{0}' blocks a thread while {1} waits for a distributed lock; await it instead");

    /// <summary>BL0106.</summary>
    public static readonly DiagnosticDescriptor UnstableKeyText = UsageError(
        "BL0106",
        "A [BidLock] template formats a value whose text does not identify it",
        "The {0} template formats {1} ({2}), {3}; name a member that identifies it, such as an id");

    /// <summary>BL0107.</summary>
    public static readonly DiagnosticDescriptor NestedLockOnAnotherKey = Warning(
        "BL0107",
        "A [BidLock] body calls another [BidLock] method that locks a different posting",
        "{0} holds the lock on \"{1}\" while it calls {2}, which locks \"{3}\": two calls that take the same postings in the opposite order wait for each other until they time out; lock every posting the bid touches as one multi-posting lock (a collection in the posting id template, or AcquireManyAsync)");

    /// <summary>The help page of a diagnostic id.</summary>
    public static string? HelpLink(string id) => HelpLinkBase is null ? null : HelpLinkBase + id + ".md";

    // The parser's message says what is wrong and what to write instead, so the error's message is that text.
    private static DiagnosticDescriptor Error(string id, string title) => new(
        id,
        title,
        "{0}",
        DeclarationCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: title + ". The generator does not implement the method, so the build also fails with CS8795; this error says why.",
        helpLinkUri: HelpLink(id));

    // A usage rule whose mistake is the duplicate bid itself: the build stops rather than warns.
    private static DiagnosticDescriptor UsageError(string id, string title, string message) => new(
        id,
        title,
        message,
        UsageCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: title + ".",
        helpLinkUri: HelpLink(id));

    private static DiagnosticDescriptor Warning(string id, string title, string message) => new(
        id,
        title,
        message,
        UsageCategory,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: title + ".",
        helpLinkUri: HelpLink(id));
}
