using BidLocks.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace BidLocks.Generators.Parsing;

/// <summary>
/// Why the generator cannot implement a <c>[BidLock]</c> method. The generator then emits nothing for it, so the
/// compiler's own CS8795 (partial method has no implementation) fails the build; <c>FailureDiagnostics</c> maps each
/// reason to a diagnostic that says what to fix, which the generator and <c>BidLockMethodAnalyzer</c> both report.
/// </summary>
internal enum BidLockFailureReason
{
    /// <summary>The attribute is not on a partial method definition without an implementation.</summary>
    NotPartialDefinition,

    /// <summary>A containing type is not partial.</summary>
    ContainingTypeNotPartial,

    /// <summary>The containing type cannot hold the generated method (a file-local type, or an instance method of a ref struct).</summary>
    UnsupportedContainingType,

    /// <summary>The method does not return Task, Task&lt;T&gt;, ValueTask or ValueTask&lt;T&gt;.</summary>
    UnsupportedReturnType,

    /// <summary>A ref or out parameter, a pointer, or a ref struct: none can cross an await.</summary>
    UnsupportedParameter,

    /// <summary>More than one CancellationToken parameter: which one cancels the wait is unclear.</summary>
    AmbiguousCancellationToken,

    /// <summary>No method named <c>{Name}Core</c> in the type.</summary>
    CoreNotFound,

    /// <summary>Methods named <c>{Name}Core</c> exist, but none has the signature the generated call needs.</summary>
    CoreMismatch,

    /// <summary>More than one <c>{Name}Core</c> method matches.</summary>
    AmbiguousCore,

    /// <summary>The attribute's arguments could not be read (compile errors in the attribute).</summary>
    InvalidAttribute,

    /// <summary>A template is null, empty, or malformed (unbalanced braces, a bad path).</summary>
    InvalidTemplate,

    /// <summary>A template names a parameter or member that does not exist.</summary>
    UnknownTemplateMember,

    /// <summary>A template names a member that exists but cannot be read: static, inaccessible, write-only, a method.</summary>
    UnreadableTemplateMember,

    /// <summary>A template value's type cannot be formatted (a pointer or ref struct).</summary>
    UnsupportedTemplateValue,

    /// <summary>
    /// A template reads a collection where none can be: in the marketplace id, two in one template, a collection of
    /// collections, elements that may be null, or a type with more than one element type.
    /// </summary>
    UnsupportedCollectionTemplate,

    /// <summary>The type has more than one lock manager member or primary-constructor parameter.</summary>
    AmbiguousManager,

    /// <summary>The manager is a primary-constructor parameter that a method parameter of the same name hides.</summary>
    HiddenManager,

    /// <summary>TimeoutSeconds, TtlSeconds or MaxHoldSeconds is not a finite positive number of seconds.</summary>
    InvalidTiming,
}

/// <summary>One reason a method cannot be implemented, with where to report it.</summary>
/// <param name="Location">Inside the [BidLock] method's declaration, so the analyzer's diagnostic is local to it
/// (the IDE offers fixes only for local diagnostics).</param>
/// <param name="Related">The other declaration to change, when it is not the method: the type that must be partial,
/// the Core whose signature differs. A code fix edits it.</param>
/// <param name="Replacement">Text that fixes the problem when it replaces <paramref name="Location"/>'s text: the
/// template hole with the name the user most likely meant.</param>
internal sealed record ParseFailure(
    BidLockFailureReason Reason, string Message, LocationInfo? Location, LocationInfo? Related = null, string? Replacement = null);

/// <summary>A location as plain values, so failures can be compared and kept across runs.</summary>
internal sealed record LocationInfo(string FilePath, TextSpan TextSpan, LinePositionSpan LineSpan)
{
    public Location ToLocation() => Location.Create(FilePath, TextSpan, LineSpan);

    public static LocationInfo? From(Location? location)
    {
        if (location is null || location.SourceTree is null)
        {
            return null;
        }

        return new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);
    }

    public static LocationInfo? From(SyntaxNode? node) => From(node?.GetLocation());
}
