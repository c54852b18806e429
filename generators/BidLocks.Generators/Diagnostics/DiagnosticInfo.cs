using System;
using System.Collections.Immutable;
using System.Linq;
using BidLocks.Generators.Model;
using BidLocks.Generators.Parsing;
using Microsoft.CodeAnalysis;

namespace BidLocks.Generators.Diagnostics;

/// <summary>
/// A diagnostic as plain values: the generator keeps it in its incremental pipeline, where a <see cref="Location"/>
/// (which holds a syntax tree) would pin old compilations and never compare equal across runs. Made from a
/// <see cref="ParseFailure"/> by <see cref="FailureDiagnostics.Describe"/> and turned into a <see cref="Diagnostic"/>
/// by <see cref="ToDiagnostic"/>, for the generator and <c>BidLockMethodAnalyzer</c> alike, so the two report the
/// same thing.
/// </summary>
/// <param name="Id">The descriptor's id (BL00xx).</param>
/// <param name="MessageArguments">The arguments of the descriptor's message format.</param>
/// <param name="Location">Where it is reported; null only when the parser had nowhere to point.</param>
/// <param name="AdditionalLocations">The other declarations to change (the type that must be partial, the Core).</param>
/// <param name="Replacement">The text that fixes it when it replaces the location's text, for the code fix.</param>
internal sealed record DiagnosticInfo(
    string Id,
    EquatableArray<string> MessageArguments,
    LocationInfo? Location,
    EquatableArray<LocationInfo> AdditionalLocations,
    string? Replacement)
{
    /// <summary>Diagnostic property: the text that fixes the problem when it replaces the diagnostic's span.</summary>
    public const string ReplacementProperty = "Replacement";

    /// <summary>
    /// The diagnostic, its locations made by <paramref name="place"/>: the analyzer maps them back into its
    /// compilation's syntax trees, the generator (which has none in its pipeline) makes file locations.
    /// </summary>
    public Diagnostic ToDiagnostic(Func<LocationInfo, Location> place)
    {
        ImmutableDictionary<string, string?>? properties = Replacement is null
            ? null
            : ImmutableDictionary<string, string?>.Empty.Add(ReplacementProperty, Replacement);
        return Diagnostic.Create(
            FailureDiagnostics.Descriptor(Id),
            Location is null ? Microsoft.CodeAnalysis.Location.None : place(Location),
            AdditionalLocations.Count == 0 ? null : AdditionalLocations.Select(place),
            properties,
            MessageArguments.Cast<object?>().ToArray());
    }
}
