using System.Collections.Immutable;
using System.Globalization;
using BidLocks.Generators.Tests.Analyzers;
using BidLocks.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace BidLocks.Generators.Tests;

/// <summary>
/// The generator reports the BL errors itself, because the command-line compiler stops at CS8795 before it runs
/// analyzers. What it reports must be exactly what <c>BidLockMethodAnalyzer</c> reports (the analyzer tests check
/// those against the source): same descriptor, message, location, additional locations and properties.
/// </summary>
public sealed class GeneratorDiagnosticTests
{
    public static TheoryData<string, string, string, string> Unsupported => UnsupportedMethodTests.Cases;

    [Theory]
    [MemberData(nameof(Unsupported))]
    public async Task The_generator_reports_exactly_what_the_analyzer_reports(string @case, string source, string reason, string compilerError)
    {
        _ = (@case, reason, compilerError);
        _ = await AssertSameAsAnalyzer(source);
    }

    [Fact]
    public async Task Every_failure_of_a_method_is_reported_with_its_suggestion_and_related_declaration()
    {
        // Several failures at once; a suggestion (the code fix's Replacement property); an additional location.
        string[] reported = await AssertSameAsAnalyzer("""
            public class Outer
            {
                public partial class S
                {
                    [BidLock("{marketplace}", "{p", TimeoutSeconds = -1)]
                    public partial int M(string marketplaceId, string p, ref int n);
                }
            }
            """);
        Assert.True(reported.Any(d => d.Contains("Replacement={marketplaceId}", StringComparison.Ordinal)), string.Join("\n", reported));
        Assert.True(reported.Any(d => d.Contains("also Source0.cs(", StringComparison.Ordinal)), string.Join("\n", reported));
    }

    private static async Task<string[]> AssertSameAsAnalyzer(string source)
    {
        GeneratorOutcome outcome = TestCompilation.Run(source);
        ImmutableArray<Diagnostic> analyzer = await AgreementTests.AnalyzeAsync(outcome.Output);

        string[] expected = analyzer.Where(d => d.Severity == DiagnosticSeverity.Error).Select(Describe).Order(StringComparer.Ordinal).ToArray();
        string[] actual = outcome.RunResult.Results.Single().Diagnostics.Select(Describe).Order(StringComparer.Ordinal).ToArray();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, actual);
        return actual;
    }

    private static string Describe(Diagnostic diagnostic)
        => string.Join(
            " | ",
            diagnostic.Id,
            diagnostic.Severity,
            diagnostic.Descriptor.Category,
            diagnostic.Descriptor.HelpLinkUri,
            diagnostic.GetMessage(CultureInfo.InvariantCulture),
            Where(diagnostic.Location),
            "also " + string.Join(", ", diagnostic.AdditionalLocations.Select(Where)),
            string.Join(", ", diagnostic.Properties.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}")));

    // Path, line span and character span: the analyzer's locations are in syntax trees, the generator's are file
    // locations, and both must print the same place.
    private static string Where(Location location)
    {
        FileLinePositionSpan span = location.GetLineSpan();
        return $"{span.Path}{span.Span} {location.SourceSpan}";
    }
}
