using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using BidLocks.Generators.Model;
using BidLocks.Generators.Parsing;
using Microsoft.CodeAnalysis;

namespace BidLocks.Generators.Diagnostics;

/// <summary>
/// The diagnostic for each reason the parser gives. The errors are the parser's failures and nothing else, so an
/// error is reported exactly when the generator writes nothing. <see cref="Describe"/> is the one way a failure
/// becomes a diagnostic: the generator and <c>BidLockMethodAnalyzer</c> both call it, so what they report cannot drift.
/// </summary>
internal static class FailureDiagnostics
{
    // Every error a failure can produce, by id: a DiagnosticInfo carries the id, not the descriptor.
    private static readonly ImmutableDictionary<string, DiagnosticDescriptor> ById =
        ((BidLockFailureReason[])Enum.GetValues(typeof(BidLockFailureReason)))
            .Select(For)
            .OfType<DiagnosticDescriptor>()
            .ToImmutableDictionary(descriptor => descriptor.Id, StringComparer.Ordinal);

    /// <summary>The descriptor for <paramref name="reason"/>, or null when the compiler already reports the problem.</summary>
    public static DiagnosticDescriptor? For(BidLockFailureReason reason) => reason switch
    {
        BidLockFailureReason.NotPartialDefinition => DiagnosticDescriptors.NotPartialDefinition,
        BidLockFailureReason.ContainingTypeNotPartial => DiagnosticDescriptors.ContainingTypeNotPartial,
        BidLockFailureReason.UnsupportedContainingType => DiagnosticDescriptors.UnsupportedContainingType,
        BidLockFailureReason.UnsupportedReturnType => DiagnosticDescriptors.UnsupportedReturnType,
        BidLockFailureReason.UnsupportedParameter => DiagnosticDescriptors.UnsupportedParameter,
        BidLockFailureReason.AmbiguousCancellationToken => DiagnosticDescriptors.AmbiguousCancellationToken,
        BidLockFailureReason.CoreNotFound => DiagnosticDescriptors.CoreNotFound,
        BidLockFailureReason.CoreMismatch => DiagnosticDescriptors.CoreMismatch,
        BidLockFailureReason.AmbiguousCore => DiagnosticDescriptors.AmbiguousCore,

        // The attribute itself has compile errors (a missing argument, a non-constant): the compiler's error says
        // what to fix, and a second error on the same text would only repeat it.
        BidLockFailureReason.InvalidAttribute => null,
        BidLockFailureReason.InvalidTemplate => DiagnosticDescriptors.InvalidTemplate,
        BidLockFailureReason.UnknownTemplateMember => DiagnosticDescriptors.UnknownTemplateMember,
        BidLockFailureReason.UnreadableTemplateMember => DiagnosticDescriptors.UnreadableTemplateMember,
        BidLockFailureReason.UnsupportedTemplateValue => DiagnosticDescriptors.UnsupportedTemplateValue,
        BidLockFailureReason.UnsupportedCollectionTemplate => DiagnosticDescriptors.UnsupportedCollectionTemplate,
        BidLockFailureReason.AmbiguousManager => DiagnosticDescriptors.AmbiguousManager,
        BidLockFailureReason.HiddenManager => DiagnosticDescriptors.HiddenManager,
        BidLockFailureReason.InvalidTiming => DiagnosticDescriptors.InvalidTiming,
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "Every failure reason needs a diagnostic."),
    };

    /// <summary>The error descriptor with <paramref name="id"/>.</summary>
    public static DiagnosticDescriptor Descriptor(string id) => ById[id];

    /// <summary>
    /// The diagnostic for each failure that has one. A failure without a location (the parser could not point at
    /// the text) is reported at <paramref name="method"/>, the method's name.
    /// </summary>
    public static EquatableArray<DiagnosticInfo> Describe(IEnumerable<ParseFailure> failures, LocationInfo? method)
    {
        var diagnostics = new List<DiagnosticInfo>();
        foreach (ParseFailure failure in failures)
        {
            if (For(failure.Reason) is { } descriptor)
            {
                diagnostics.Add(new DiagnosticInfo(
                    descriptor.Id,
                    new EquatableArray<string>(ImmutableArray.Create(failure.Message)),
                    failure.Location ?? method,
                    failure.Related is null ? EquatableArray<LocationInfo>.Empty : new EquatableArray<LocationInfo>(ImmutableArray.Create(failure.Related)),
                    failure.Replacement));
            }
        }

        return diagnostics.ToEquatableArray();
    }
}
