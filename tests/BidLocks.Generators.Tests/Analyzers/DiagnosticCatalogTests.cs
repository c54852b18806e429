using System.Reflection;
using BidLocks.Generators.Analyzers;
using BidLocks.Generators.Diagnostics;
using BidLocks.Generators.Parsing;
using Microsoft.CodeAnalysis;

namespace BidLocks.Generators.Tests.Analyzers;

/// <summary>
/// The descriptors, the failure reasons, the analyzers, the release-tracking file and the documentation pages stay
/// in step: a new diagnostic that misses any of them fails here.
/// </summary>
public sealed class DiagnosticCatalogTests
{
    private static readonly DiagnosticDescriptor[] Descriptors = typeof(DiagnosticDescriptors)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(field => field.GetValue(null))
        .OfType<DiagnosticDescriptor>()
        .ToArray();

    [Fact]
    public void Every_failure_reason_has_an_error_except_the_ones_the_compiler_reports()
    {
        foreach (BidLockFailureReason reason in Enum.GetValues<BidLockFailureReason>())
        {
            DiagnosticDescriptor? descriptor = FailureDiagnostics.For(reason);
            if (reason == BidLockFailureReason.InvalidAttribute)
            {
                Assert.Null(descriptor);
            }
            else
            {
                Assert.NotNull(descriptor);
                Assert.Equal(DiagnosticSeverity.Error, descriptor.DefaultSeverity);
            }
        }

        // And no two reasons share an id: each error says one thing.
        string[] ids = Enum.GetValues<BidLockFailureReason>().Select(FailureDiagnostics.For).OfType<DiagnosticDescriptor>().Select(d => d.Id).ToArray();
        Assert.Equal(ids.Length, ids.Distinct().Count());
    }

    [Fact]
    public void Every_descriptor_has_a_unique_id_and_exactly_one_analyzer_reports_it()
    {
        Assert.Equal(Descriptors.Length, Descriptors.Select(d => d.Id).Distinct().Count());
        foreach (DiagnosticDescriptor descriptor in Descriptors)
        {
            Assert.Single(AgreementTests.AllAnalyzers, analyzer => analyzer.SupportedDiagnostics.Any(d => d.Id == descriptor.Id));
        }
    }

    [Fact]
    public void Every_descriptor_links_to_its_page_and_the_page_says_what_why_how_and_shows_an_example()
    {
        string docs = Path.Combine(RepositoryRoot(), "docs", "diagnostics");
        foreach (DiagnosticDescriptor descriptor in Descriptors)
        {
            // This build sets no RepositoryUrl (Directory.Build.props): no link, rather than one nobody can check. The
            // package test packs with one and checks the link made from it.
            Assert.Equal(string.Empty, descriptor.HelpLinkUri);
            string page = File.ReadAllText(Path.Combine(docs, descriptor.Id + ".md"));
            Assert.StartsWith($"# {descriptor.Id}:", page, StringComparison.Ordinal);
            foreach (string section in new[] { "## What", "## Why it matters", "## How to fix", "## Example", "```csharp" })
            {
                Assert.Contains(section, page, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void Every_descriptor_is_in_the_release_tracking_file_with_its_category_and_severity()
    {
        string unshipped = File.ReadAllText(Path.Combine(RepositoryRoot(), "generators", "BidLocks.Generators", "AnalyzerReleases.Unshipped.md"));
        foreach (DiagnosticDescriptor descriptor in Descriptors)
        {
            Assert.Contains($"{descriptor.Id} | {descriptor.Category} | {descriptor.DefaultSeverity} |", unshipped, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_generator_readme_lists_every_id()
    {
        string readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "generators", "BidLocks.Generators", "README.md"));
        foreach (DiagnosticDescriptor descriptor in Descriptors)
        {
            Assert.Contains($"[{descriptor.Id}]", readme, StringComparison.Ordinal);
        }
    }

    // Found by walking up from the test binary, as Baseline finds its folder.
    private static string RepositoryRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "BidLocks.Aop.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"BidLocks.Aop.sln is not above {AppContext.BaseDirectory}.");
    }
}
