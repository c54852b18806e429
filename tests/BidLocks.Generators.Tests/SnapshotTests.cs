using BidLocks.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace BidLocks.Generators.Tests;

/// <summary>Each supported shape: generated code matches its baseline and compiles without a warning.</summary>
public sealed class SnapshotTests
{
    public static TheoryData<string> ShapeNames => new(Shapes.All.Keys);

    [Theory]
    [MemberData(nameof(ShapeNames))]
    public void Generated_code_matches_baseline_and_compiles_cleanly(string shape)
    {
        GeneratorOutcome outcome = TestCompilation.Run(Shapes.Domain + Shapes.All[shape]);

        outcome.AssertCompilesCleanly();
        Assert.NotEmpty(outcome.GeneratedSources);
        Baseline.Verify(shape, Render(outcome));
    }

    // The language the .NET 10 SDK compiles by default: the generated code must stay valid as C# moves on.
    [Theory]
    [MemberData(nameof(ShapeNames))]
    public void Generated_code_compiles_cleanly_with_the_latest_language_version(string shape)
    {
        GeneratorOutcome outcome = TestCompilation.Run(Shapes.Domain + Shapes.All[shape], LanguageVersion.Latest);

        outcome.AssertCompilesCleanly();
    }

    [Fact]
    public void One_file_per_containing_type_named_after_it()
    {
        GeneratorOutcome outcome = TestCompilation.Run(Shapes.Domain + Shapes.All["AccessibilityAndModifiers"] + Shapes.All["NestedAndGenericContainingTypes"]);

        Assert.Equal(
            ["Auction.BaseDesk.BidLock.g.cs", "Auction.Counter.BidLock.g.cs", "Auction.Desk.BidLock.g.cs", "Auction.Nested.Outer`1.Middle.Inner`1.BidLock.g.cs"],
            outcome.GeneratedSources.Select(s => s.HintName).Order(StringComparer.Ordinal));
    }

    // Several files per shape are rendered into one baseline, each under its hint name.
    private static string Render(GeneratorOutcome outcome)
        => string.Join(
            "\n",
            outcome.GeneratedSources
                .OrderBy(s => s.HintName, StringComparer.Ordinal)
                .Select(s => $"// ===== {s.HintName} =====\n{s.SourceText}"));
}
