using BidLocks.Generators.Parsing;
using Microsoft.CodeAnalysis;

namespace BidLocks.Generators.Diagnostics
{
    /// <summary>
    /// The diagnostic for each reason the parser gives. The errors are the parser's failures and nothing else, so the
    /// analyzer reports an error exactly when the generator writes nothing.
    /// </summary>
    internal static class FailureDiagnostics
    {
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
            BidLockFailureReason.AmbiguousManager => DiagnosticDescriptors.AmbiguousManager,
            BidLockFailureReason.HiddenManager => DiagnosticDescriptors.HiddenManager,
            BidLockFailureReason.InvalidTiming => DiagnosticDescriptors.InvalidTiming,
            _ => throw new System.ArgumentOutOfRangeException(nameof(reason), reason, "Every failure reason needs a diagnostic."),
        };
    }
}
